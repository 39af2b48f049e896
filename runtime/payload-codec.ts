import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** One AES-256 key of the payload codec, named by the id each payload it encrypts carries. */
export interface PayloadKey {
  id: string;
  key: Uint8Array;
}

export const encryptedEncoding = 'binary/encrypted';
/** The id of the key derived from INVITEFLOW_SECRET, which every deployment has. */
export const secretKeyId = 's1';

const ivBytes = 12;
const tagBytes = 16;
const text = new TextEncoder();
const words = new TextDecoder();

/** The key every process of a deployment derives alike from INVITEFLOW_SECRET. */
export function secretPayloadKey(secret: string): PayloadKey {
  return { id: secretKeyId, key: new Uint8Array(hkdfSync('sha256', secret, 'inviteflow', 'payload-codec-v1', 32)) };
}

/**
 * The keys of a deployment: those of PAYLOAD_KEYS first (the first one encrypts),
 * then the one derived from INVITEFLOW_SECRET, so payloads written before
 * PAYLOAD_KEYS was set still decode.
 */
export function payloadKeys(secret: string, configured: readonly PayloadKey[] = []): PayloadKey[] {
  return [...configured, secretPayloadKey(secret)];
}

export class PayloadDecryptionError extends Error {
  override readonly name = 'PayloadDecryptionError';

  constructor(
    message: string,
    /** The id of the key the payload names. */
    readonly keyId: string,
  ) {
    super(message);
  }
}

/** Told of each payload of a workflow's that cannot be decrypted, with the workflow's id. */
export type UndecryptableHandler = (workflowId: string, error: PayloadDecryptionError) => void;

/**
 * AES-256-GCM over each whole payload (its metadata too, so even the encoding
 * says nothing), written `binary/encrypted` with the key's id beside it. The id
 * is also the GCM associated data: swapping it on a payload fails like any
 * other tampering. Payloads without the encrypted encoding, written before the
 * codec existed, pass through on decode.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: string;

  constructor(
    keys: readonly PayloadKey[],
    private readonly onUndecryptable?: UndecryptableHandler,
  ) {
    const [first] = keys;
    if (!first) throw new Error('the payload codec needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== 32) throw new Error(`payload key "${id}" must be 32 bytes, not ${key.length}`);
    }
    this.keys = new Map(keys.map(({ id, key }) => [id, Buffer.from(key)]));
    if (this.keys.size !== keys.length) throw new Error('payload key ids must be unique');
    this.current = first.id;
  }

  // Through `then`, so a payload that does not decrypt rejects the promise rather than throwing at the call.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() => payloads.map((payload) => this.encrypt(payload)));
  }

  decode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    return Promise.resolve().then(() => {
      try {
        return payloads.map((payload) => this.decrypt(payload));
      } catch (error) {
        if (error instanceof PayloadDecryptionError && context?.workflowId)
          this.onUndecryptable?.(context.workflowId, error);
        throw error;
      }
    });
  }

  private encrypt(payload: Payload): Payload {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.current)!, iv, { authTagLength: tagBytes });
    cipher.setAAD(Buffer.from(this.current, 'utf8'));
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      metadata: { encoding: text.encode(encryptedEncoding), 'encryption-key-id': text.encode(this.current) },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const metadata = payload.metadata ?? {};
    if (!metadata.encoding || words.decode(metadata.encoding) !== encryptedEncoding) return payload;
    const id = metadata['encryption-key-id'] ? words.decode(metadata['encryption-key-id']) : '';
    const key = this.keys.get(id);
    if (!key)
      throw new PayloadDecryptionError(`payload encrypted with unknown key "${id}": add it to PAYLOAD_KEYS`, id);
    const data = Buffer.from(payload.data ?? []);
    if (data.length < ivBytes + tagBytes)
      throw new PayloadDecryptionError(`encrypted payload (key "${id}") is cut short`, id);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes), { authTagLength: tagBytes });
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - tagBytes));
      const plain = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      throw new PayloadDecryptionError(`encrypted payload (key "${id}") does not decrypt: altered, or another key`, id);
    }
  }
}
