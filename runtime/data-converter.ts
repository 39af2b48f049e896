import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec, type PayloadKey, type UndecryptableHandler } from './payload-codec';

/**
 * How inviteflow's payloads are written to and read from Temporal, the same
 * for its own worker and client and for a host's (through the plugin): every
 * payload encrypted, so emails, phones and names never sit in clear in
 * Temporal's history, and no side reads what another cannot.
 */
export function inviteflowDataConverter(
  keys: readonly PayloadKey[],
  onUndecryptable?: UndecryptableHandler,
): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys, onUndecryptable)] };
}
