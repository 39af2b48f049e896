import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError } from '../../../config/config';
import { payloadKeys, type PayloadKey } from '../../../runtime/payload-codec';
import { checkPayloadKeys, retirePayloadKey } from '../../../runtime/payload-key-checks';
import { openTestDatabase } from '../../support/database';

const secret = 's'.repeat(32);
const key = (id: string, byte: number): PayloadKey => ({ id, key: new Uint8Array(32).fill(byte) });
let orm: MikroORM;

beforeAll(async () => {
  orm = await openTestDatabase();
});

afterAll(async () => {
  await orm?.close();
});

async function refusalOf(keys: PayloadKey[]): Promise<string> {
  const error = await checkPayloadKeys(orm, keys).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

test('the first start records its keys; the same keys, or more, start again', async () => {
  await checkPayloadKeys(orm, payloadKeys(secret, [key('k1', 1)]));
  await checkPayloadKeys(orm, payloadKeys(secret, [key('k1', 1)]));
  await checkPayloadKeys(orm, payloadKeys(secret, [key('k2', 2), key('k1', 1)]));
  const rows = await orm.em.fork().execute<{ key_id: string; key_check: string }[]>('select * from payload_key_checks');
  expect(rows.map((row) => row.key_id).sort()).toEqual(['k1', 'k2', 's1']);
  // A keyed hash of each key, never the key.
  expect(JSON.stringify(rows)).not.toContain(Buffer.from(key('k1', 1).key).toString('base64'));
});

test('another INVITEFLOW_SECRET is refused, naming it and what to do', async () => {
  const message = await refusalOf(payloadKeys('t'.repeat(32), [key('k2', 2), key('k1', 1)]));
  expect(message).toContain('INVITEFLOW_SECRET is not the one this database was written with');
  expect(message).toContain('restore it');
});

test('a key dropped from PAYLOAD_KEYS is refused, naming its id, until it is retired', async () => {
  const message = await refusalOf(payloadKeys(secret, [key('k2', 2)]));
  expect(message).toContain('payload key "k1", which open runs were written with, is missing from PAYLOAD_KEYS');
  expect(message).toContain('inviteflow retire-payload-key k1');

  expect(await retirePayloadKey(orm, 'k1')).toBe(true);
  await checkPayloadKeys(orm, payloadKeys(secret, [key('k2', 2)]));
  expect(await retirePayloadKey(orm, 'k1')).toBe(false);
  await expect(retirePayloadKey(orm, 's1')).rejects.toThrow('cannot be retired');
});

test('another key under a known id is refused', async () => {
  expect(await refusalOf(payloadKeys(secret, [key('k2', 9)]))).toContain(
    'payload key "k2" is not the key this database was written with under that id',
  );
});
