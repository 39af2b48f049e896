import type { MikroORM } from '@mikro-orm/postgresql';
import { createProjectionActivities, type RecordTransitionInput } from '../../../activities/projection';
import { DAY } from '../../../domain/duration';
import { createInvitation, transition, type InvitationState } from '../../../domain/invitation';
import { openTestDatabase } from '../../support/database';
import { deliveriesWhere, insertTestEndpoint } from '../../support/webhook-rows';

let orm: MikroORM;
const started: string[][] = [];

beforeAll(async () => {
  orm = await openTestDatabase();
  const em = orm.em.fork();
  await em
    .getConnection()
    .execute(`insert into workspaces (id, name, settings) values ('w1', 'Acme', '{}'), ('w2', 'Other', '{}')`);
  for (const [id, workspaceId, events] of [
    ['whe_all', null, ['*']],
    ['whe_w1_accepted', 'w1', ['invitation.accepted']],
    ['whe_w2', 'w2', ['*']],
  ] as const) {
    await insertTestEndpoint(orm, {
      id,
      url: 'http://127.0.0.1:9/hooks',
      events: [...events],
      workspaceId,
      secretCiphertext: 'sealed',
    });
  }
});

afterAll(async () => {
  await orm?.close();
});

async function projected(id: string): Promise<Record<string, unknown> | undefined> {
  const [row] = await orm.em.fork().execute('select * from invitations where id = ?', [id]);
  return row;
}

async function historyTypes(id: string): Promise<string[]> {
  const events = await orm.em
    .fork()
    .execute<{ type: string }[]>('select type from invitation_events where invitation_id = ? order by seq', [id]);
  return events.map((event) => event.type);
}

function recordTransition(input: RecordTransitionInput): Promise<void> {
  return createProjectionActivities({
    orm,
    wakeWebhookDispatchers: async (ids) => void started.push(ids),
    startMembership: () => Promise.reject(new Error('no invitation here grants a membership that ends')),
  }).recordTransition(input);
}

const clock = new Date('2026-03-01T10:00:00Z');

function created(id: string): InvitationState {
  return createInvitation(
    {
      id,
      workspaceId: 'w1',
      invitee: { email: 'Ana+Team@Example.org', phone: null, name: 'Ana', userId: null },
      roles: ['member'],
      groups: ['sales'],
      channels: ['email'],
      inviter: { userId: 'u1', roles: ['admin'] },
      locale: null,
      ttlMs: 7 * DAY,
      resendIntervalMs: 60_000,
      reminderOffsetsMs: [],
    },
    clock,
  );
}

function pending(id: string): InvitationState {
  return transition(created(id), { type: 'send' }, clock);
}

test('records the projection, its history and a delivery per subscribed endpoint', async () => {
  started.length = 0;
  const state = pending('inv_a');
  await recordTransition({ invitation: state });

  expect(await projected('inv_a')).toMatchObject({
    status: 'pending',
    email: 'Ana+Team@Example.org',
    email_key: 'ana+team@example.org',
    version: 2,
    send_count: 1,
  });
  expect(await historyTypes('inv_a')).toHaveLength(2);
  const deliveries = await deliveriesWhere(orm, `event_type = 'invitation.sent'`);
  // Only the platform-wide endpoint listens to every event of w1.
  expect(deliveries.map((delivery) => delivery.endpointId)).toEqual(['whe_all']);
  // The endpoint was idle: its dispatcher is woken once.
  expect(started).toEqual([['whe_all']]);
  expect(deliveries[0]).toMatchObject({ orderingKey: 'inv_a', status: 'pending' });
});

test('a state recorded with the earlier one it went through announces each with its own view', async () => {
  started.length = 0;
  const first = created('inv_c');
  await recordTransition({ invitation: transition(first, { type: 'send' }, clock), earlier: [first] });

  expect(await projected('inv_c')).toMatchObject({ status: 'pending', version: 2 });
  expect(await historyTypes('inv_c')).toEqual(['created', 'sent']);
  const deliveries = await deliveriesWhere(orm, `payload #>> '{data,invitation,id}' = 'inv_c'`);
  const announced = deliveries.map(({ eventType, payload }) => {
    const data = payload.data as { invitation: { sendCount: number }; sequence: number };
    return [eventType, data.sequence, data.invitation.sendCount];
  });
  expect(announced.sort()).toEqual([
    ['invitation.created', 1, 0],
    ['invitation.sent', 2, 1],
  ]);
  // Woken by the test before, the endpoint stays busy (no second wake) until its dispatcher says it is idle.
  expect(started.flat()).toEqual([]);
  await orm.em.fork().execute(`update webhook_endpoints set dispatcher_idle = true where id = 'whe_all'`);
  await recordTransition({ invitation: transition(pending('inv_d'), { type: 'revoke', by: 'admin' }, clock) });
  expect(started.flat()).toEqual(['whe_all']);
  expect(new Set(deliveries.map((delivery) => delivery.orderingKey))).toEqual(new Set(['inv_c']));
});

test('an older state recorded late, or the same one recorded twice, changes nothing', async () => {
  const sent = pending('inv_b');
  const accepted = transition(sent, { type: 'accept', userId: 'user-b' }, clock);
  await recordTransition({ invitation: accepted });
  await recordTransition({ invitation: sent });
  await recordTransition({ invitation: accepted });

  const em = orm.em.fork();
  expect(await projected('inv_b')).toMatchObject({ status: 'accepted', accepted_by: 'user-b', version: 3 });
  expect(await historyTypes('inv_b')).toHaveLength(3);
  const members = await em.execute(`select 1 from members where workspace_id = 'w1' and user_id = 'user-b'`);
  expect(members).toHaveLength(1);
  const acceptedDeliveries = await deliveriesWhere(orm, `event_type = 'invitation.accepted'`);
  expect(acceptedDeliveries.map((delivery) => delivery.endpointId).sort()).toEqual(['whe_all', 'whe_w1_accepted']);
  expect(await deliveriesWhere(orm, `event_type = 'member.joined'`)).toHaveLength(1);
});
