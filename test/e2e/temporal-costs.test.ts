import type { temporal } from '@temporalio/proto';
import { DAY } from '../../domain/duration';
import { completedImport, linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';

/**
 * What an invitation costs Temporal, counted in its run's history: the
 * workflow tasks, activity tasks, heartbeats and search-attribute upserts
 * each path pays. A change that adds one to the hot paths fails here.
 */
let app: TestInviteflow;
const admin = { userId: 'u-admin', roles: ['admin'] };

beforeAll(async () => {
  app = await startTestInviteflow();
  expect(
    (await app.call('PUT', '/v1/workspaces/costs', { name: 'Costs', settings: { invitationTtl: '7d' } })).status,
  ).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

async function history(invitationId: string): Promise<temporal.api.history.v1.IHistoryEvent[]> {
  return (await app.client.workflow.getHandle(`invitation-${invitationId}`).fetchHistory()).events ?? [];
}

/** How many events of each type, by the enum's short name (`WORKFLOW_TASK_COMPLETED`, ...). */
async function eventCounts(invitationId: string): Promise<Record<string, number>> {
  const { temporal: proto } = await import('@temporalio/proto');
  const counts: Record<string, number> = {};
  for (const event of await history(invitationId)) {
    const name = proto.api.enums.v1.EventType[event.eventType!].replace(/^EVENT_TYPE_/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

async function listed(query: string, expected: number): Promise<string[]> {
  let ids: string[] = [];
  for (let attempt = 0; attempt < 50 && ids.length !== expected; attempt += 1) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    ids = [];
    for await (const run of app.client.workflow.list({ query })) ids.push(run.workflowId);
  }
  return ids.sort();
}

test('a create is one workflow task, with the opening recorded and the email sent in it, and no activity task', async () => {
  const created = await app.call('POST', '/v1/workspaces/costs/invitations', {
    invitee: { email: 'carla@example.org' },
    inviter: admin,
  });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ status: 'pending', sendCount: 1 });
  // The answer comes once the opening task is done: the email is already out.
  expect(app.catcher.messages().some((mail) => mail.to.includes('carla@example.org'))).toBe(true);

  expect(await eventCounts(created.body.id)).toEqual({
    WORKFLOW_EXECUTION_STARTED: 1,
    WORKFLOW_TASK_SCHEDULED: 1,
    WORKFLOW_TASK_STARTED: 1,
    WORKFLOW_TASK_COMPLETED: 1,
    WORKFLOW_EXECUTION_UPDATE_ACCEPTED: 1,
    WORKFLOW_EXECUTION_UPDATE_COMPLETED: 1,
    // The recorded opening and the sent email, as local activities.
    MARKER_RECORDED: 2,
    TIMER_STARTED: 1,
  });
  const ids = await listed(`InvitationStatus = 'pending' AND WorkspaceId = 'costs' AND InvitationChannel = 'email'`, 1);
  expect(ids).toEqual([`invitation-${created.body.id}`]);
});

test('an imported row’s run starts sent and findable, and runs no workflow task until a command reaches it', async () => {
  expect((await app.call('PUT', '/v1/workspaces/imports', { name: 'Imports' })).status).toBe(201);
  const started = await app.call('POST', '/v1/workspaces/imports/invitations/bulk', {
    emails: 'ida@example.org; ivo@example.org',
    roles: ['member'],
    inviter: admin,
  });
  expect(started.status).toBe(202);
  const bulk = await completedImport(app, 'imports', started.body.id);
  expect(bulk).toMatchObject({ status: 'completed', sent: 2, failed: 0 });
  const [ida] = bulk.rows.filter((row: { email: string }) => row.email === 'ida@example.org');

  const events = await history(ida.invitationId);
  expect(events).toHaveLength(1);
  const start = events[0]!.workflowExecutionStartedEventAttributes!;
  // Its first task waits for the expiry, the next thing its clock holds.
  expect(Number(start.firstWorkflowTaskBackoff!.seconds)).toBeGreaterThan((7 * DAY) / 1000 - 60);
  const found = await listed(
    `InvitationStatus = 'pending' AND WorkspaceId = 'imports' AND InvitationExpiresAt > '${new Date().toISOString()}'`,
    2,
  );
  expect(found).toEqual(bulk.rows.map((row: { invitationId: string }) => `invitation-${row.invitationId}`).sort());

  // The email the batch sent carries the link; accepting through it starts the run at once.
  const mail = await app.catcher.waitFor((message) => message.to.includes('ida@example.org'));
  const token = linkIn(mail.text).searchParams.get('token');
  const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId: 'u-ida' });
  expect(accepted.status).toBe(200);
  expect(accepted.body.invitation).toMatchObject({ status: 'accepted', acceptedBy: 'u-ida' });
  expect(await eventCounts(ida.invitationId)).toMatchObject({ WORKFLOW_TASK_COMPLETED: 2, ACTIVITY_TASK_SCHEDULED: 1 });
});
