import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { PayloadDecryptionError, UndecryptableHandler } from './payload-codec';
import { undecryptableRuns } from './metrics';

/** Runs ended by this process: each is ended, logged and counted once, however often its tasks fail. */
const rememberedRuns = 10_000;

/**
 * What a worker does with a run whose payloads it cannot decrypt: no retry
 * of its workflow task will ever succeed, and each one fails again, so the
 * run is terminated once, with the key it needs as the reason, visible in
 * the Temporal UI, the log and `inviteflow_undecryptable_runs_total`. Starts
 * refuse keys the database knows to be missing; this is for the ones it did
 * not know (retired too early, or written by another deployment).
 */
export function terminateUndecryptableRuns(client: Client, log: Logger): UndecryptableHandler {
  const ended = new Set<string>();
  return (workflowId: string, error: PayloadDecryptionError) => {
    if (ended.has(workflowId)) return;
    if (ended.size >= rememberedRuns) ended.clear();
    ended.add(workflowId);
    undecryptableRuns.inc({ key_id: error.keyId });
    log.error({ workflowId, keyId: error.keyId, reason: error.message }, 'run cannot be decrypted: terminating it');
    const reason = `its payloads cannot be decrypted: ${error.message}`;
    client.workflow
      .getHandle(workflowId)
      .terminate(reason)
      .catch((failure: unknown) => log.warn({ err: failure, workflowId }, 'could not terminate an undecryptable run'));
  };
}
