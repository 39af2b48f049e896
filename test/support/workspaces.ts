import type { TestInviteflow } from './harness';

/** Creates each workspace, named after its id, with its settings, expecting a 201 for each. */
export async function putWorkspaces(
  app: Pick<TestInviteflow, 'call'>,
  workspaces: Record<string, Record<string, unknown>>,
): Promise<void> {
  for (const [id, settings] of Object.entries(workspaces)) {
    expect((await app.call('PUT', `/v1/workspaces/${id}`, { name: id, settings })).status).toBe(201);
  }
}
