import type { MikroORM } from '@mikro-orm/postgresql';
import { heartbeat } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { BulkProgress } from '../domain/bulk';
import { RuleViolation } from '../domain/error-codes';
import { defaultChannels } from '../domain/channels';
import { bulkRows } from '../runtime/metrics';
import { createInvitation, invitationWorkflowId } from '../domain/invitation';
import { invitationStaticDetails } from '../domain/invitation-view';
import { keptFromWorkspace, type Workspace } from '../domain/workspace';
import { invitationWorkflow } from '../workflows/invitation';
import { findBulkImport, progressOf, type BulkImportRow, type BulkRowRecord } from './bulk-store';
import { claim, releaseClaims } from './claims';
import { withoutSql } from './database-failure';
import { enqueueWebhookEvents } from './webhook-outbox';
import type { WorkspaceReader } from './workspaces';

export interface BulkDependencies {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  workspaces: WorkspaceReader;
  startWebhookDeliveries(deliveryIds: string[]): Promise<void>;
}

/** How many invitation workflows one batch starts at once: Temporal and PostgreSQL get a steady stream, not a burst. */
const startConcurrency = 16;

type RowResult = { outcome: 'sent' } | { outcome: 'failed'; code: string; invitationId?: string };

/** Runs `work` on every item, at most `limit` at a time. */
async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export function createBulkActivities(deps: BulkDependencies) {
  /**
   * Claims the person's place (and a seat) for the row's invitation and starts
   * its workflow. The row's invitation id was fixed when the row was checked,
   * so a batch retried after a crash starts the same invitation, not a second one.
   */
  async function startRow(bulk: BulkImportRow, workspace: Workspace, row: BulkRowRecord): Promise<RowResult> {
    const invitee = {
      email: row.email,
      phone: row.phone,
      name: row.name,
      userId: null,
      phoneConsent: bulk.phone_consent && row.phone !== null,
    };
    const invitation = createInvitation(
      {
        id: row.invitation_id,
        workspaceId: workspace.id,
        invitee,
        roles: row.roles,
        groups: row.groups,
        channels: defaultChannels(workspace.settings.channels, invitee),
        inviter: bulk.inviter,
        locale: bulk.locale,
        ...keptFromWorkspace(workspace.settings),
      },
      new Date(),
    );
    try {
      const conflict = await claim(deps.orm, workspace.id, invitee, invitation.id, workspace.settings.seatLimit);
      if (conflict) return { outcome: 'failed', code: 'already_invited', invitationId: conflict.invitationId };
    } catch (error) {
      if (error instanceof RuleViolation && error.code === 'seat_limit_reached') {
        return { outcome: 'failed', code: error.code };
      }
      throw error;
    }
    try {
      await deps.temporal.workflow.start(invitationWorkflow, {
        taskQueue: deps.taskQueue,
        workflowId: invitationWorkflowId(invitation.id),
        args: [{ invitation, send: bulk.send }],
        staticSummary: `Invitation ${invitation.id} in workspace ${workspace.id}, from import ${bulk.id}`,
        staticDetails: invitationStaticDetails(invitation),
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
        await releaseClaims(deps.orm, invitation.id);
        throw error;
      }
    }
    return { outcome: 'sent' };
  }

  return {
    /** Starts the next `size` pending rows of an import, in line order, and answers the import's progress. */
    startBulkBatch: withoutSql(
      'starting a bulk batch',
      async ({ bulkId, size }: { bulkId: string; size: number }): Promise<BulkProgress> => {
        const em = deps.orm.em.fork();
        const bulk = await findBulkImport(em, bulkId);
        if (!bulk) throw new Error(`no bulk import ${bulkId}`);
        const workspace = await deps.workspaces.get(bulk.workspace_id);
        const rows = await em.execute<BulkRowRecord[]>(
          `select * from bulk_rows where bulk_id = ? and outcome = 'pending' order by line limit ?`,
          [bulkId, size],
        );
        await inPool(rows, startConcurrency, async (row) => {
          const result = await startRow(bulk, workspace, row);
          await em.execute(
            'update bulk_rows set outcome = ?, code = ?, invitation_id = ? where bulk_id = ? and line = ?',
            [
              result.outcome,
              result.outcome === 'failed' ? result.code : null,
              (result.outcome === 'failed' && result.invitationId) || row.invitation_id,
              bulkId,
              row.line,
            ],
          );
          bulkRows.inc({ outcome: result.outcome });
          heartbeat();
        });
        return progressOf(em, bulkId);
      },
    ),

    /** Ends an import: rows not started are skipped when it was cancelled; `bulk.completed` goes out either way. */
    finishBulk: withoutSql(
      'finishing a bulk import',
      async ({ bulkId, cancelled }: { bulkId: string; cancelled: boolean }): Promise<BulkProgress> => {
        let skipped = 0;
        const deliveryIds = await deps.orm.em.fork().transactional(async (em) => {
          if (cancelled) {
            const rows = await em.execute<{ line: number }[]>(
              `update bulk_rows set outcome = 'skipped', code = 'cancelled' where bulk_id = ? and outcome = 'pending'
               returning line`,
              [bulkId],
            );
            skipped = rows.length;
          }
          const [bulk] = await em.execute<BulkImportRow[]>(
            `update bulk_imports set status = ?, finished_at = coalesce(finished_at, now()) where id = ? returning *`,
            [cancelled ? 'cancelled' : 'completed', bulkId],
          );
          if (!bulk) throw new Error(`no bulk import ${bulkId}`);
          const progress = await progressOf(em, bulkId);
          return enqueueWebhookEvents(em, [
            {
              type: 'bulk.completed',
              key: `${bulkId}#completed`,
              workspaceId: bulk.workspace_id,
              timestamp: new Date(bulk.finished_at!).toISOString(),
              data: { bulk: { id: bulk.id, workspaceId: bulk.workspace_id, status: bulk.status, ...progress } },
            },
          ]);
        });
        bulkRows.inc({ outcome: 'skipped' }, skipped);
        await deps.startWebhookDeliveries(deliveryIds);
        return progressOf(deps.orm.em.fork(), bulkId);
      },
    ),
  };
}
