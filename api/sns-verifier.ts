import { X509Certificate, createVerify, type KeyObject } from 'node:crypto';
import type { Logger } from 'pino';
import type { EmailEventSettings } from '../config/config';
import { isSnsUrl, snsSignatureAlgorithm, snsStringToSign, type SnsMessage } from '../domain/sns-message';
import { Problem } from './problem';

/** SNS's own hosts answer in well under this; a host that hangs must not hold the request. */
const fetchTimeoutMs = 5_000;
const maxCertificateBytes = 16 * 1024;
/** SNS signs with a handful of certificates at a time; old ones are dropped first. */
const keptCertificates = 16;

type SesSettings = NonNullable<EmailEventSettings['ses']>;

/**
 * Checks SNS messages: the topic is one the operator named, the
 * certificate comes from SNS, and it signed the message. Certificates are
 * fetched once each, bounded in time and size.
 */
export function snsVerifier(settings: SesSettings, log: Logger) {
  const certificates = new Map<string, Promise<KeyObject>>();

  async function fetchCertificate(url: string): Promise<KeyObject> {
    let response: Response;
    try {
      response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(fetchTimeoutMs) });
    } catch (error) {
      log.warn({ err: error, url }, 'could not fetch the SNS signing certificate');
      throw new Problem('unavailable', 'the SNS signing certificate could not be fetched; retry later');
    }
    const body = Buffer.from(await response.arrayBuffer());
    if (!response.ok || body.length > maxCertificateBytes) {
      throw new Problem('forbidden', 'SigningCertURL does not serve a certificate');
    }
    try {
      return new X509Certificate(body).publicKey;
    } catch {
      throw new Problem('forbidden', 'SigningCertURL does not serve a certificate');
    }
  }

  function certificate(url: string): Promise<KeyObject> {
    const known = certificates.get(url);
    if (known) return known;
    const fetched = fetchCertificate(url);
    // A failure is not remembered: the next message tries again.
    fetched.catch(() => certificates.delete(url));
    certificates.set(url, fetched);
    if (certificates.size > keptCertificates) certificates.delete(certificates.keys().next().value!);
    return fetched;
  }

  return {
    /** Throws a 403 Problem unless SNS signed the message for one of the operator's topics. */
    async verify(message: SnsMessage): Promise<void> {
      if (!settings.topicArns.includes(message.TopicArn)) {
        throw new Problem('forbidden', 'the message is from an SNS topic not in SES_SNS_TOPIC_ARNS');
      }
      if (!isSnsUrl(message.SigningCertURL, settings.serviceOrigins)) {
        throw new Problem('forbidden', 'SigningCertURL is not on an SNS host');
      }
      const key = await certificate(message.SigningCertURL);
      const verifier = createVerify(snsSignatureAlgorithm(message));
      verifier.update(snsStringToSign(message), 'utf8');
      if (!verifier.verify(key, message.Signature, 'base64')) {
        throw new Problem('forbidden', 'the SNS signature does not match the message');
      }
    },

    /** Confirms a subscription SNS asked to confirm, by visiting its SubscribeURL on an SNS host. */
    async confirm(message: SnsMessage): Promise<void> {
      const url = message.SubscribeURL;
      if (!url || !isSnsUrl(url, settings.serviceOrigins)) {
        throw new Problem('forbidden', 'SubscribeURL is not on an SNS host');
      }
      const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(fetchTimeoutMs) }).catch(
        (error: unknown) => {
          log.warn({ err: error, topic: message.TopicArn }, 'could not confirm the SNS subscription');
          throw new Problem('unavailable', 'the subscription could not be confirmed; SNS will ask again');
        },
      );
      await response.arrayBuffer();
      if (!response.ok) throw new Problem('unavailable', 'SNS did not take the confirmation; it will ask again');
      log.info({ topic: message.TopicArn }, 'SNS subscription confirmed');
    },
  };
}
