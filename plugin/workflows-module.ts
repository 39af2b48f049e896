import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../config/paths';

/** The module that exports every inviteflow workflow. */
export const inviteflowWorkflowsPath = require.resolve('../workflows');

/**
 * A worker bundles one workflows module: a host that has its own gets one
 * that exports both. inviteflow's workflow names (`invitationWorkflow`,
 * `webhookDispatcherWorkflow`, `bulkImportWorkflow`) are taken; a host workflow
 * of the same name is shadowed.
 */
export function withInviteflowWorkflows(hostWorkflowsPath: string): string {
  const source = `module.exports = { ...require(${JSON.stringify(hostWorkflowsPath)}), ...require(${JSON.stringify(inviteflowWorkflowsPath)}) };\n`;
  // Inside the package, so the bundler finds @temporalio/workflow in the node_modules above it.
  const directory = join(repoRoot, '.cache', 'plugin-workflows');
  mkdirSync(directory, { recursive: true });
  // Named by content and written whole: concurrent workers of one host share the file and never read half of it.
  const path = join(directory, `workflows-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.js`);
  const written = `${path}.${process.pid}`;
  writeFileSync(written, source);
  renameSync(written, path);
  return path;
}
