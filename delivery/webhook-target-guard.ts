import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { hostOf, isIpAddress, refusedAddress } from '../domain/webhook-targets';

/** Every address a host name resolves to. */
export type Resolver = (host: string) => Promise<LookupAddress[]>;

const getaddrinfo: Resolver = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/** Past this, a name counts as not resolving: a resolver that never answers would hold the request forever. */
const lookupTimeoutMs = 3_000;
/**
 * getaddrinfo holds one of libuv's four threads until it returns, however
 * long we stopped waiting: with this many lookups stuck past their timeout,
 * new ones fail at once rather than take the last threads of the process.
 */
const maxStuckLookups = 2;

/** `resolve`, given up on after `timeoutMs`, and refused while too many lookups are stuck. */
export function boundedResolver(resolve: Resolver, timeoutMs = lookupTimeoutMs): Resolver {
  let stuck = 0;
  return (host) => {
    if (stuck >= maxStuckLookups) return Promise.reject(new Error(`DNS lookups are not answering; ${host} not tried`));
    let timedOut = false;
    const lookup = resolve(host).finally(() => {
      if (timedOut) stuck -= 1;
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        stuck += 1;
        reject(new Error(`${host} did not resolve within ${timeoutMs} ms`));
      }, timeoutMs);
    });
    // The lookup that loses the race must not be an unhandled rejection.
    lookup.catch(() => undefined);
    return Promise.race([lookup, deadline]).finally(() => clearTimeout(timer));
  };
}

export const systemResolver: Resolver = boundedResolver(getaddrinfo);

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
 * to now; `null` when it may. A name that does not resolve (yet), or not
 * within a few seconds, is let through: every delivery is checked again when
 * it connects, and fails (to be retried) while the name does not resolve.
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
