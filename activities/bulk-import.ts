import type { MikroORM } from '@mikro-orm/postgresql';
import { heartbeat } from '@temporalio/activity';
import { isGrpcServiceError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BulkProgress } from '../domain/bulk';
import { RuleViolation, type ErrorCode } from '../domain/error-codes';
import { defaultChannels } from '../domain/channels';
import { bulkRows } from '../runtime/metrics';
import { createInvitation, invitationWorkflowId, messageOf, type InvitationState } from '../domain/invitation';
import { keptFromWorkspace, openInvitation, type OpenedInvitation } from '../domain/new-invitation';
import type { Channel, Workspace } from '../domain/workspace';
import type { DeliveryReport } from '../workflows/invitation-messages';
import {
  endBulkImport,
  findBulkImport,
  pendingRows,
  progressOf,
  recordRowOutcomes,
  skipPendingRows,
  type BulkImportRow,
  type BulkRowRecord,
} from '../store/bulk-imports';
import { placeClaims } from '../store/claims';
import { recordedRun } from '../usecases/invitation-runs';
import { startInvitation } from '../usecases/start-invitation';
import { withSqlScrubbed } from './database-failure';
import { writeTransitions } from '../store/projection';
import { enqueueWebhookEvents, type EndpointsToWake } from '../store/webhook-outbox';
import type { WorkspaceReader } from '../store/workspaces';

/** Delivers the first message of a sent invitation on one channel; a permanent refusal throws non-retryable. */
export type FirstMessageSender = (input: { invitation: InvitationState }) => Promise<unknown>;

export interface BulkDependencies {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  /** INVITEFLOW_SECRET: the keyed hashes of suppressed addresses. */
  secret: string;
  workspaces: WorkspaceReader;
  wakeWebhookDispatchers(endpointIds: EndpointsToWake): Promise<void>;
  deliverFirst: Record<Channel, FirstMessageSender>;
}

/** How long a row waits for another invitation for its person that is still being created. */
const claimWaitMs = 10_000;
/** How many invitation workflows one batch starts at once: Temporal and PostgreSQL get a steady stream, not a burst. */
const startConcurrency = 16;
/** Messages a batch has under way at once; the email path also holds each send to one of a few SMTP connections. */
const deliveryConcurrency = 8;

type RowResult = { outcome: 'sent' } | { outcome: 'failed'; code: string; invitationId?: string };

/** gRPC's INVALID_ARGUMENT: what Temporal answers a request it will never take, such as a payload past its limit. */
const invalidArgument = 3;

/** A start Temporal refused for its content, not for its state: the row fails, the import goes on. */
function isRefusedStart(error: unknown): boolean {
  const cause = error instanceof Error && isGrpcServiceError(error.cause) ? error.cause : error;
  return isGrpcServiceError(cause) && Number(cause.code) === invalidArgument;
}

/** Runs `work` on every item, at most `limit` at a time. */
async function inPool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export function createBulkActivities(deps: BulkDependencies) {
  const places = placeClaims(deps.orm, claimWaitMs, deps.secret);
  /** The row's invitation as its run starts: created, then sent unless the import only registers. */
  function openRow(bulk: BulkImportRow, workspace: Workspace, row: BulkRowRecord, now: Date): OpenedInvitation {
    const invitee = {
      email: row.email,
      phone: row.phone,
      name: row.name,
      userId: null,
      phoneConsent: bulk.phone_consent && row.phone !== null,
    };
    const created = createInvitation(
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
      now,
    );
    return openInvitation(created, bulk.send ? 'send' : undefined, now);
  }

  /**
   * Starts the row's invitation through the use case: its place (and a
   * seat) claimed, then its run started with the opened state, waiting until
   * its clock next matters. The row's invitation id was fixed when the row
   * was checked, so a batch retried after a crash starts the same
   * invitation, not a second one.
   */
  /** What refuses one row without failing the batch: its workspace's seats, caps and suppressed addresses. */
  const rowRefusals: ErrorCode[] = [
    'seat_limit_reached',
    'invitation_cap_reached',
    'open_invitations_cap_reached',
    'address_suppressed',
  ];

  async function startRow(bulk: BulkImportRow, workspace: Workspace, opened: OpenedInvitation): Promise<RowResult> {
    const summary = `Invitation ${opened.invitation.id} in workspace ${workspace.id}, from import ${bulk.id}`;
    try {
      const outcome = await startInvitation(
        places,
        recordedRun(deps.temporal, deps.taskQueue, summary),
        opened,
        workspace.settings,
      );
      if ('heldBy' in outcome) return { outcome: 'failed', code: 'already_invited', invitationId: outcome.heldBy.id };
      return { outcome: 'sent' };
    } catch (error) {
      if (error instanceof RuleViolation && rowRefusals.includes(error.code)) {
        return { outcome: 'failed', code: error.code };
      }
      // Temporal refused this start for what it holds (a payload past its limit): no retry of the batch changes that.
      if (isRefusedStart(error)) return { outcome: 'failed', code: 'start_refused' };
      throw error;
    }
  }

  /**
   * The first message of a sent row on each of its channels. A permanent
   * refusal goes to the invitation's run as a delivery report, which records
   * it and falls back as it would for a message it sent itself; anything
   * else fails the batch, which is retried whole (each message is sent once).
   */
  async function deliverFirstMessages(invitation: InvitationState): Promise<void> {
    for (const channel of invitation.channels) {
      try {
        await deps.deliverFirst[channel]({ invitation });
      } catch (error) {
        if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
        const report: DeliveryReport = {
          channel,
          // Which send it was, so a repeated report of it (a retried batch) is recognised.
          messageId: `${invitation.id}.${invitation.sendCount}`,
          delivered: false,
          reason: error.message,
          message: messageOf(invitation),
        };
        await deps.temporal.workflow
          .getHandle(invitationWorkflowId(invitation.id))
          .executeUpdate('reportDelivery', { args: [report] });
      }
      heartbeat();
    }
  }

  return {
    /**
     * Starts the pending rows of an import in lines `[fromLine, toLine)`:
     * claims and workflow starts row by row, then one write that records
     * every started invitation, then their first messages, then one update of
     * the rows. Answers the import's progress. Safe to repeat: a retried
     * batch finds its claims, its runs, its recorded versions and its sent
     * Message-IDs, and does none of them twice.
     */
    startBulkBatch: withSqlScrubbed(
      'starting a bulk batch',
      async ({ bulkId, fromLine, toLine }: { bulkId: string; fromLine: number; toLine: number }) => {
        const em = deps.orm.em.fork();
        const bulk = await findBulkImport(em, bulkId);
        if (!bulk) throw new Error(`no bulk import ${bulkId}`);
        const workspace = await deps.workspaces.get(bulk.workspace_id);
        const rows = await pendingRows(em, bulkId, fromLine, toLine);
        const now = new Date();
        const started: OpenedInvitation[] = [];
        const results = new Map<number, RowResult>();
        await inPool(rows, startConcurrency, async (row) => {
          const opened = openRow(bulk, workspace, row, now);
          const result = await startRow(bulk, workspace, opened);
          results.set(row.line, result);
          if (result.outcome === 'sent') started.push(opened);
          heartbeat();
        });
        await deps.wakeWebhookDispatchers(
          await writeTransitions(
            deps.orm,
            started.map(({ invitation, earlier }) => [...earlier, invitation]),
          ),
        );
        const sent = started.map(({ invitation }) => invitation).filter((invitation) => invitation.sendCount > 0);
        await inPool(sent, deliveryConcurrency, deliverFirstMessages);
        await recordRowOutcomes(
          em,
          bulkId,
          rows.map((row) => {
            const result = results.get(row.line)!;
            return {
              line: row.line,
              outcome: result.outcome,
              code: result.outcome === 'failed' ? result.code : null,
              invitationId: (result.outcome === 'failed' && result.invitationId) || row.invitation_id,
            };
          }),
        );
        for (const result of results.values()) bulkRows.inc({ outcome: result.outcome });
        return progressOf(em, bulkId);
      },
    ),

    /** Ends an import: rows not started are skipped when it was cancelled; `bulk.completed` goes out either way. */
    finishBulk: withSqlScrubbed(
      'finishing a bulk import',
      async ({ bulkId, cancelled }: { bulkId: string; cancelled: boolean }): Promise<BulkProgress> => {
        let skipped = 0;
        const toWake = await deps.orm.em.fork().transactional(async (em) => {
          if (cancelled) skipped = await skipPendingRows(em, bulkId);
          const bulk = await endBulkImport(em, bulkId, cancelled ? 'cancelled' : 'completed');
          if (!bulk) throw new Error(`no bulk import ${bulkId}`);
          const progress = await progressOf(em, bulkId);
          return enqueueWebhookEvents(em, [
            {
              type: 'bulk.completed',
              key: `${bulkId}#completed`,
              orderingKey: bulkId,
              workspaceId: bulk.workspace_id,
              timestamp: new Date(bulk.finished_at!).toISOString(),
              data: { bulk: { id: bulk.id, workspaceId: bulk.workspace_id, status: bulk.status, ...progress } },
            },
          ]);
        });
        bulkRows.inc({ outcome: 'skipped' }, skipped);
        await deps.wakeWebhookDispatchers(toWake);
        return progressOf(deps.orm.em.fork(), bulkId);
      },
    ),
  };
}
