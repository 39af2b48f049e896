import { createDecipheriv, randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  EncryptionCodec,
  PayloadDecryptionError,
  payloadKeys,
  secretKeyId,
  type PayloadKey,
} from '../../../runtime/payload-codec';

const key = (id: string): PayloadKey => ({ id, key: randomBytes(32) });
const invitee = { email: 'ana@example.org', phone: '+33612345678', name: 'Ana Lopez' };
const plain = (): Payload => defaultPayloadConverter.toPayload(invitee);
const read = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const metadataOf = (payload: Payload) =>
  Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([name, value]) => [name, Buffer.from(value).toString()]),
  );

async function decodeError(codec: EncryptionCodec, payload: Payload): Promise<Error> {
  const error = await codec.decode([payload]).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(PayloadDecryptionError);
  return error as Error;
}

describe('EncryptionCodec', () => {
  test('encrypts each payload and decrypts it back to the same payload', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const [encrypted] = await codec.encode([plain()]);

    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('ana@example.org');
    expect(Buffer.from(encrypted!.data!).toString('latin1')).not.toContain('json/plain');
    const [decrypted] = await codec.decode([encrypted!]);
    expect(read(decrypted!)).toEqual(invitee);
    expect(metadataOf(decrypted!)).toEqual(metadataOf(plain()));
  });

  test('writes the encoding and the id of the key in the metadata, and a fresh IV each time', async () => {
    const k7 = key('k7');
    const [first, second] = await new EncryptionCodec([k7]).encode([plain(), plain()]);

    expect(metadataOf(first!)).toEqual({ encoding: 'binary/encrypted', 'encryption-key-id': 'k7' });
    expect(Buffer.from(first!.data!).equals(Buffer.from(second!.data!))).toBe(false);
    // The data is a 12-byte IV, the ciphertext and a 16-byte tag, with the key id as associated data.
    const data = Buffer.from(first!.data!);
    const decipher = createDecipheriv('aes-256-gcm', k7.key, data.subarray(0, 12), { authTagLength: 16 });
    decipher.setAAD(Buffer.from('k7'));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const inner = Buffer.concat([decipher.update(data.subarray(12, data.length - 16)), decipher.final()]);
    expect(read(temporal.api.common.v1.Payload.decode(inner))).toEqual(invitee);
  });

  test('refuses a payload encrypted with a key it does not have, naming the key id', async () => {
    const [encrypted] = await new EncryptionCodec([key('old')]).encode([plain()]);

    const error = await decodeError(new EncryptionCodec([key('new')]), encrypted!);
    expect(error.message).toContain('"old"');
  });

  test('detects a changed byte of the ciphertext', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const [encrypted] = await codec.encode([plain()]);
    const data = Buffer.from(encrypted!.data!);
    data[20] = data[20]! ^ 1;

    const error = await decodeError(codec, { ...encrypted!, data });
    expect(error.message).toContain('does not decrypt');
  });

  test('detects a payload whose key id was swapped for another key the codec has', async () => {
    const first = key('a');
    const second = { id: 'b', key: first.key };
    const codec = new EncryptionCodec([first, second]);
    const [encrypted] = await codec.encode([plain()]);

    await decodeError(codec, {
      ...encrypted!,
      metadata: { ...encrypted!.metadata, 'encryption-key-id': Buffer.from('b') },
    });
  });

  test('after a rotation, encrypts with the first key and still decrypts with the older ones', async () => {
    const older = key('k1');
    const [before] = await new EncryptionCodec([older]).encode([plain()]);
    const rotated = new EncryptionCodec([key('k2'), older]);

    const [after] = await rotated.encode([plain()]);
    expect(metadataOf(after!)['encryption-key-id']).toBe('k2');
    const decoded = await rotated.decode([before!, after!]);
    expect(decoded.map(read)).toEqual([invitee, invitee]);
  });

  test('passes payloads written before encryption through unchanged', async () => {
    const unencrypted = [
      plain(),
      defaultPayloadConverter.toPayload(null),
      defaultPayloadConverter.toPayload(undefined),
    ];

    const decoded = await new EncryptionCodec([key('k1')]).decode(unencrypted);
    expect(decoded).toEqual(unencrypted);
  });

  test('refuses keys that are not 256 bits, no key at all, and a repeated id', () => {
    expect(() => new EncryptionCodec([{ id: 'k1', key: randomBytes(16) }])).toThrow('must be 32 bytes');
    expect(() => new EncryptionCodec([])).toThrow('at least one key');
    expect(() => new EncryptionCodec([key('k1'), key('k1')])).toThrow('unique');
  });
});

describe('payloadKeys', () => {
  const secret = 's'.repeat(32);

  test('derives the same key from the same secret, a different one from another', () => {
    const [derived] = payloadKeys(secret);
    expect(derived!.id).toBe(secretKeyId);
    expect(Buffer.from(payloadKeys(secret)[0]!.key).equals(Buffer.from(derived!.key))).toBe(true);
    expect(Buffer.from(payloadKeys('t'.repeat(32))[0]!.key).equals(Buffer.from(derived!.key))).toBe(false);
  });

  test('puts configured keys first, and keeps the derived key so older payloads still decode', async () => {
    const [before] = await new EncryptionCodec(payloadKeys(secret)).encode([plain()]);
    const configured = key('k1');
    const keys = payloadKeys(secret, [configured]);

    expect(keys.map(({ id }) => id)).toEqual(['k1', secretKeyId]);
    const codec = new EncryptionCodec(keys);
    expect(read((await codec.decode([before!]))[0]!)).toEqual(invitee);
    expect(metadataOf((await codec.encode([plain()]))[0]!)['encryption-key-id']).toBe('k1');
  });
});
