import { runCommand } from '../../embedded/child-process';
import { ensureTemporalCli } from '../../embedded/temporal-binaries';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { testServers } from '../support/servers';
import { invite } from '../support/invite';

let app: TestInviteflow;

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/ops', { name: 'Ops' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

const invited = async (email: string) =>
  (await invite(app, { workspace: 'ops', invitee: { email, name: 'Olga Ops' }, body: { roles: ['member'] } })).id;

/** The workflow ids a visibility query lists once it has caught up with `expected`, or what it lists after 10 s. */
async function listed(query: string, expected: string[]): Promise<string[]> {
  let ids: string[] = [];
  for (let attempt = 0; attempt < 50; attempt += 1) {
    ids = [];
    for await (const run of app.client.workflow.list({ query })) ids.push(run.workflowId);
    ids.sort();
    if (JSON.stringify(ids) === JSON.stringify([...expected].sort())) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return ids;
}

test('a search-attribute query finds exactly the runs in that state and workspace', async () => {
  const [first, second, third] = [
    await invited('o1@example.org'),
    await invited('o2@example.org'),
    await invited('o3@example.org'),
  ];
  expect((await app.call('POST', `/v1/workspaces/ops/invitations/${third}/revoke`, {})).status).toBe(200);
  const run = (id: string) => `invitation-${id}`;

  expect(await listed(`InvitationStatus = 'pending' AND WorkspaceId = 'ops'`, [run(first), run(second)])).toEqual(
    [run(first), run(second)].sort(),
  );
  expect(await listed(`InvitationStatus = 'revoked' AND WorkspaceId = 'ops'`, [run(third)])).toEqual([run(third)]);
  expect(await listed(`InvitationStatus = 'pending' AND WorkspaceId = 'nobody'`, [])).toEqual([]);
});

test("an operator's `temporal workflow list` finds the runs by their search attributes", async () => {
  const id = await invited('cli@example.org');
  expect((await app.call('POST', `/v1/workspaces/ops/invitations/${id}/revoke`, {})).status).toBe(200);
  const cli = await ensureTemporalCli();
  const list = async (query: string): Promise<string[]> => {
    const output = await runCommand(
      cli,
      ['workflow', 'list', '--address', testServers().temporalAddress, '--query', query, '--output', 'json'],
      { timeoutMs: 30_000 },
    );
    return (JSON.parse(output || '[]') as { execution: { workflowId: string } }[]).map(
      (run) => run.execution.workflowId,
    );
  };
  const query = `WorkspaceId = 'ops' AND InvitationStatus = 'revoked' AND WorkflowId = 'invitation-${id}'`;
  let found: string[] = [];
  for (let attempt = 0; attempt < 50 && found.length === 0; attempt += 1) {
    found = await list(query);
    if (found.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  expect(found).toEqual([`invitation-${id}`]);
  expect(
    await list(`WorkspaceId = 'ops' AND InvitationStatus = 'pending' AND WorkflowId = 'invitation-${id}'`),
  ).toEqual([]);
});

test('each run has a summary, details and current details that name the invitation, not the person', async () => {
  const id = await invited('olga@example.org');
  const handle = app.client.workflow.getHandle(`invitation-${id}`);
  const description = await handle.describe();
  const summary = await description.staticSummary();
  const details = await description.staticDetails();
  const { currentDetails } = await handle.query<{ currentDetails: string }>('__temporal_workflow_metadata');

  expect(summary).toBe(`Invitation ${id} in workspace ops`);
  expect(details).toContain('Roles: member');
  expect(currentDetails).toContain(`Invitation **${id}** in workspace **ops**: pending, sent 1 time(s) by email`);
  for (const text of [summary, details, currentDetails]) {
    expect(text).not.toContain('olga');
    expect(text).not.toContain('Olga');
  }
});
