import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { createOrm } from '../../db/orm';
import { invitationWorkflowId } from '../../domain/invitation';
import { retirePayloadKey } from '../../runtime/payload-key-checks';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

const keyOf = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const inviter = { userId: 'u-admin', roles: ['admin'] };
let first: TestInviteflow;

beforeAll(async () => {
  first = await startTestInviteflow({ PAYLOAD_KEYS: keyOf('k1') });
  expect((await first.call('PUT', '/v1/workspaces/acme', { name: 'Acme' })).status).toBe(201);
});

afterAll(async () => {
  await first?.stop();
});

test('a start with another INVITEFLOW_SECRET refuses, naming it and what to do', async () => {
  const started = startTestInviteflow(
    { PAYLOAD_KEYS: keyOf('k1') },
    { sameDeploymentAs: first, secret: randomBytes(32).toString('base64url'), worker: false },
  );
  await expect(started).rejects.toThrow(/INVITEFLOW_SECRET is not the one this database was written with.*restore it/s);
});

test('a start without a key the runs were written with refuses, naming the key id', async () => {
  const started = startTestInviteflow({ PAYLOAD_KEYS: keyOf('k2') }, { sameDeploymentAs: first, worker: false });
  await expect(started).rejects.toThrow(/payload key "k1", which open runs were written with, is missing/);
});

test('a run that still cannot be decrypted is ended once, with the key in the reason, and counted', async () => {
  const created = await first.call('POST', '/v1/workspaces/acme/invitations', {
    invitee: { email: 'lost@example.org' },
    inviter,
  });
  expect(created.status).toBe(201);
  await first.stop();
  // An operator retired k1 too early: the start is allowed, the open run is not readable.
  const operator = await createOrm(first.databaseUrl);
  try {
    expect(await retirePayloadKey(operator, 'k1')).toBe(true);
  } finally {
    await operator.close();
  }
  const second = await startTestInviteflow({ PAYLOAD_KEYS: keyOf('k2') }, { sameDeploymentAs: first });
  try {
    await second.call('POST', `/v1/workspaces/acme/invitations/${created.body.id}/revoke`, {});
    const failure = await second.client.workflow
      .getHandle(invitationWorkflowId(created.body.id))
      .result()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(String((failure as WorkflowFailedError).cause?.message)).toMatch(/cannot be decrypted.*"k1"/);
    const metrics = await fetch(`${second.apiUrl}/metrics`, { headers: { authorization: `Bearer ${second.apiKey}` } });
    expect(await metrics.text()).toMatch(/inviteflow_undecryptable_runs_total\{key_id="k1"\} 1/);
  } finally {
    await second.stop();
  }
});
