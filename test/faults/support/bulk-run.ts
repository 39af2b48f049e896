import type { FaultStack } from './stack';

export const workspaceId = 'faults';

/** The invitees of a run: `count` distinct addresses, one CSV row each. */
export function invitees(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `person${i}@faults.example`);
}

/** Creates the workspace and imports `emails` through the real bulk endpoint, as a CSV; answers the import's id. */
export async function startBulkImport(stack: FaultStack, emails: string[]): Promise<string> {
  const workspace = await stack.call('PUT', `/v1/workspaces/${workspaceId}`, { name: 'Faults' });
  if (workspace.status !== 201 && workspace.status !== 200) {
    throw new Error(`PUT workspace answered ${workspace.status}: ${JSON.stringify(workspace.body)}`);
  }
  const csv = ['email,name', ...emails.map((email, i) => `${email},Person ${i}`)].join('\n');
  const response = await fetch(
    `${stack.apiUrl}/v1/workspaces/${workspaceId}/invitations/bulk?inviterUserId=u-admin&inviterRoles=admin`,
    {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'text/csv' },
      body: csv,
    },
  );
  const body = (await response.json()) as { id?: string };
  if (response.status !== 202 || !body.id) {
    throw new Error(`POST bulk answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.id;
}
