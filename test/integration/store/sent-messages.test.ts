import type { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createSentMessages, type SendOutcome, type SentMessages } from '../../../store/sent-messages';
import { openTestDatabase } from '../../support/database';

let orm: MikroORM;
let sentMessages: SentMessages;

beforeAll(async () => {
  orm = await openTestDatabase();
  sentMessages = createSentMessages(orm);
});

afterAll(async () => {
  await orm?.close();
});

/** As the mail activities call it: in an activity context, which logs. */
function sendOnce(messageId: string, send: () => Promise<void>): Promise<SendOutcome> {
  return new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(() =>
    sentMessages.sendOnce(messageId, send),
  );
}

async function claimed(messageId: string): Promise<boolean> {
  const rows = await orm.em.fork().execute('select 1 from sent_messages where message_id = ?', [messageId]);
  return rows.length > 0;
}

/**
 * Two attempts at one message: the first holds its claim open in its send
 * until `release` or `fail`, the second starts meanwhile and has waited 300 ms.
 */
async function overlappingAttempts(messageId: string) {
  let release!: () => void;
  let fail!: (error: Error) => void;
  let started!: () => void;
  const sending = new Promise<void>((resolve) => (started = resolve));
  const done = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  const first = sendOnce(messageId, async () => {
    started();
    await done;
  });
  await sending;
  const secondSend = jest.fn(async () => {});
  const second = sendOnce(messageId, secondSend);
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { first, second, secondSend, release, fail };
}

test('a message is sent once: a second attempt finds the claim and sends nothing', async () => {
  const send = jest.fn(async () => {});
  expect(await sendOnce('<once.1@acme.example>', send)).toBe('sent');
  expect(await sendOnce('<once.1@acme.example>', send)).toBe('already_sent');
  expect(send).toHaveBeenCalledTimes(1);
  expect(await sendOnce('<once.2@acme.example>', send)).toBe('sent');
  expect(send).toHaveBeenCalledTimes(2);
});

test('a failed send leaves no claim, so its retry sends', async () => {
  const refused = new Error('SMTP unavailable');
  await expect(sendOnce('<failed.1@acme.example>', () => Promise.reject(refused))).rejects.toBe(refused);
  expect(await claimed('<failed.1@acme.example>')).toBe(false);
  const retry = jest.fn(async () => {});
  expect(await sendOnce('<failed.1@acme.example>', retry)).toBe('sent');
  expect(retry).toHaveBeenCalledTimes(1);
});

test('an attempt that starts while another still sends waits for it, and sends nothing once it succeeded', async () => {
  const attempts = await overlappingAttempts('<concurrent.1@acme.example>');
  // The second attempt is blocked on the first one's uncommitted claim, not deciding on its own.
  expect(attempts.secondSend).not.toHaveBeenCalled();
  attempts.release();
  expect(await attempts.first).toBe('sent');
  expect(await attempts.second).toBe('already_sent');
  expect(attempts.secondSend).not.toHaveBeenCalled();
});

test('an attempt that waited on another one that failed sends itself', async () => {
  const attempts = await overlappingAttempts('<concurrent.2@acme.example>');
  attempts.fail(new Error('connection reset'));
  await expect(attempts.first).rejects.toThrow('connection reset');
  expect(await attempts.second).toBe('sent');
  expect(attempts.secondSend).toHaveBeenCalledTimes(1);
});

test('a send whose claim cannot be committed still counts as sent; its retry then sends again (at least once)', async () => {
  const messageId = '<uncommitted.1@acme.example>';
  let terminated: unknown[] = [];
  const cutOff = async () => {
    // The claiming connection dies after the SMTP server accepted: the database rolls the claim back.
    terminated = await orm.em.fork().execute(
      `select pg_terminate_backend(pid, 5000) as terminated from pg_stat_activity
       where datname = current_database() and state = 'idle in transaction' and query like 'insert into sent_messages%'`,
    );
  };
  expect(await sendOnce(messageId, cutOff)).toBe('sent');
  expect(terminated).toEqual([{ terminated: true }]);
  expect(await claimed(messageId)).toBe(false);
  const retry = jest.fn(async () => {});
  expect(await sendOnce(messageId, retry)).toBe('sent');
  expect(retry).toHaveBeenCalledTimes(1);
});

test('the first send of a process prunes claims older than 30 days, and the next sends within the hour do not', async () => {
  const fresh = createSentMessages(orm);
  const send = (messageId: string) =>
    new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') }).run(() =>
      fresh.sendOnce(messageId, async () => {}),
    );
  const insertOld = (messageId: string) =>
    orm.em
      .fork()
      .execute(`insert into sent_messages (message_id, sent_at) values (?, now() - interval '31 days')`, [messageId]);
  await insertOld('<old.1@acme.example>');
  await orm.em
    .fork()
    .execute(
      `insert into sent_messages (message_id, sent_at) values ('<recent.1@acme.example>', now() - interval '29 days')`,
    );
  await send('<new.1@acme.example>');
  expect(await claimed('<old.1@acme.example>')).toBe(false);
  expect(await claimed('<recent.1@acme.example>')).toBe(true);
  expect(await claimed('<new.1@acme.example>')).toBe(true);
  await insertOld('<old.2@acme.example>');
  await send('<new.2@acme.example>');
  expect(await claimed('<old.2@acme.example>')).toBe(true);
});
