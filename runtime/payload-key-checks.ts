import { createHmac } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ConfigError } from '../config/config';
import { secretKeyId, type PayloadKey } from './payload-codec';
import { forgetKeyCheck, knownKeyChecks, recordKeyChecks } from '../store/payload-key-checks';

/** What a key is known by in the database: a keyed hash, from which the key cannot be found. */
function keyCheck({ key }: PayloadKey): string {
  return createHmac('sha256', Buffer.from(key)).update('inviteflow payload key check').digest('base64url');
}

function problemOf(id: string, configured: PayloadKey | undefined): string {
  if (id === secretKeyId) {
    return (
      'INVITEFLOW_SECRET is not the one this database was written with (its payload key s1 does not match): ' +
      'restore it, or open runs cannot be read, links stop working and webhook secrets cannot be opened'
    );
  }
  return configured
    ? `payload key "${id}" is not the key this database was written with under that id: restore it; a new key takes a new id`
    : `payload key "${id}", which open runs were written with, is missing from PAYLOAD_KEYS: add it back after ` +
        `the key that encrypts, or, once no open run needs it, run "inviteflow retire-payload-key ${id}"`;
}

/**
 * Refuses to start with keys that cannot read what the database's runs were
 * written with: a changed INVITEFLOW_SECRET, a key dropped from PAYLOAD_KEYS,
 * or another key under a known id. Without this check such a start comes up
 * and every open run loops on payloads it cannot decrypt. Keys new to the
 * database are recorded, so the next start checks them too.
 */
export async function checkPayloadKeys(orm: MikroORM, keys: readonly PayloadKey[]): Promise<void> {
  const em = orm.em.fork();
  const verify = async () => {
    const problems = (await knownKeyChecks(em)).flatMap(({ id, check }) => {
      const configured = keys.find((key) => key.id === id);
      return configured && keyCheck(configured) === check ? [] : [problemOf(id, configured)];
    });
    if (problems.length > 0) {
      const lines = problems.map((line) => `  ${line}`).join('\n');
      throw new ConfigError(`the payload keys do not match the database:\n${lines}`);
    }
  };
  // A refused start records nothing; after the insert, a second look catches a process that raced this one.
  await verify();
  await recordKeyChecks(
    em,
    keys.map((key) => ({ id: key.id, check: keyCheck(key) })),
  );
  await verify();
}

/** Forgets a key that no open run needs any more, so starts without it are allowed. */
export async function retirePayloadKey(orm: MikroORM, id: string): Promise<boolean> {
  if (id === secretKeyId) throw new ConfigError('s1 is derived from INVITEFLOW_SECRET: it cannot be retired');
  return forgetKeyCheck(orm, id);
}
