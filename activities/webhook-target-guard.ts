import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { hostOf, isIpAddress, refusedAddress } from '../domain/webhook-targets';

/** Every address a host name resolves to. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';
}

function refusal(host: string, addresses: readonly string[], allowed: readonly string[]): string | null {
  for (const address of addresses) {
    const reason = refusedAddress(address, allowed);
    if (reason) return host === address ? reason : `${host} resolves to ${reason}`;
  }
  return null;
}

/**
 * Why a webhook URL may not be used, judged by what its host is or resolves
 * to now; `null` when it may. A name that does not resolve (yet) is let
 * through: every delivery is checked again when it connects.
 */
export async function refusedWebhookTarget(
  url: string,
  allowed: readonly string[],
  resolve: Resolver = systemResolver,
): Promise<string | null> {
  const host = hostOf(url);
  if (isIpAddress(host)) return refusal(host, [host], allowed);
  const addresses = await resolve(host).catch(() => []);
  return refusal(
    host,
    addresses.map(({ address }) => address),
    allowed,
  );
}

/**
 * A `lookup` for http.request that refuses to connect to a refused address.
 * The check happens on the addresses the socket connects to, so a name that
 * resolved to a public address at creation and to a private one now (DNS
 * rebinding) is still refused.
 */
export function guardedLookup(allowed: readonly string[], resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (found) => {
        const addresses = options.family ? found.filter(({ family }) => family === options.family) : found;
        const reason = refusal(
          hostname,
          addresses.map(({ address }) => address),
          allowed,
        );
        if (reason) return callback(new WebhookTargetRefused(reason), '');
        if (addresses.length === 0) return callback(new Error(`${hostname} has no address`), '');
        if (options.all) return callback(null, addresses);
        return callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** Refuses an IP-literal URL before any socket is opened: Node skips `lookup` for those. */
export function refusedLiteralHost(url: string, allowed: readonly string[]): string | null {
  const host = hostOf(url);
  return isIpAddress(host) ? refusal(host, [host], allowed) : null;
}
