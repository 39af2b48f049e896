import { isIP } from 'node:net';
import type { Request } from 'express';
import { Problem } from './problem';

export const forwardedForHeader = 'Inviteflow-Forwarded-For';

/**
 * The address of the person behind a request. A host's backend calls on
 * behalf of many visitors from one address, so it forwards each visitor's in
 * `Inviteflow-Forwarded-For`; only a caller with an API key may, or anyone
 * could pick the address their failures count against.
 */
export function visitorAddress(req: Request): string {
  const forwarded = req.get(forwardedForHeader);
  if (forwarded === undefined || !req.caller) return req.ip ?? 'unknown';
  const address = forwarded.trim();
  if (isIP(address) === 0) {
    const message = 'must be one IP address, the visitor the host calls for';
    throw new Problem('validation_failed', `invalid header: ${forwardedForHeader} ${message}`, [
      { field: `header.${forwardedForHeader}`, message },
    ]);
  }
  return address;
}
