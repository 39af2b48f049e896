import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import {
  bulkSummary,
  bulkView,
  deleteBulkImport,
  findBulkImport,
  insertBulkImport,
  knownContacts,
} from '../../store/bulk-imports';
import { bulkWorkflowId } from '../../domain/bulk';
import { newBulkRows, workspaceFindings } from '../../domain/bulk-findings';
import {
  BulkInputError,
  checkBulkRows,
  entriesToRows,
  parsePastedList,
  type BulkRowInput,
} from '../../domain/bulk-input';
import { parseCsv } from '../../domain/bulk-csv';
import { newId } from '../../domain/ids';
import type { Inviter } from '../../domain/invitation';
import { inviteOrRequest } from '../../domain/invite-requests';
import { bulkImportWorkflowType, cancelBulkUpdate, type BulkImportInput } from '../../workflows/bulk-import-messages';
import type { ApiContext } from '../context';
import { Problem } from '../problem';
import { routes } from '../../contract';
import type { Parsed } from '../../contract/route';
import { serve } from '../serve';
import { getWorkspace } from '../../store/workspaces';

/** What one import request asks for, whichever form it came in. */
interface BulkRequest {
  rows: BulkRowInput[];
  inviter: Inviter;
  roles?: string[];
  groups?: string[];
  send: boolean;
  locale?: string;
  phoneCountry?: string;
  phoneConsent: boolean;
}

function readRequest(body: Parsed<typeof routes.importInvitations>['body']): BulkRequest {
  const read = <T>(rows: () => T) => {
    try {
      return rows();
    } catch (error) {
      if (!(error instanceof BulkInputError)) throw error;
      if (error.tooLarge) throw new Problem('payload_too_large', error.message);
      throw new Problem('validation_failed', error.message, [{ field: error.field, message: error.message }]);
    }
  };
  if (body.csv) {
    const { query } = body;
    const inviter = { userId: query.inviterUserId, roles: query.inviterRoles, name: query.inviterName };
    return { ...query, inviter, rows: read(() => parseCsv(body.text)) };
  }
  const input = body.json;
  const rows = read(() => (input.entries ? entriesToRows(input.entries) : parsePastedList(input.emails ?? '')));
  return { ...input, rows };
}

/**
 * Bulk invitations (a pasted list, entries, a CSV upload): every row is checked
 * before anything is sent and reported with its line; the valid ones are
 * started by a bulk workflow, the others say why not.
 */
export function bulkRouter(ctx: ApiContext): Router {
  const router = Router();

  serve(router, routes.importInvitations, async ({ params, body }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const request = readRequest(body);
    const rows = checkBulkRows(request.rows, {
      defaultRoles: request.roles ?? [workspace.settings.defaultRole],
      defaultGroups: request.groups ?? [],
      knownRoles: workspace.settings.roles,
      phoneCountry: request.phoneCountry,
      phoneConsent: request.phoneConsent,
    });
    const granted = [...new Set(rows.filter((row) => row.problem === null).flatMap((row) => row.roles))];
    if (granted.length > 0 && inviteOrRequest(workspace.settings, request.inviter, granted) === 'request') {
      throw new Problem('inviter_not_allowed', 'bulk invitations need an inviter role; requests go one by one');
    }
    const bulkId = newId('blk');
    const em = ctx.orm.em.fork();
    const found = workspaceFindings(rows, await knownContacts(em, workspace.id, rows, workspace.settings.seatLimit));
    await insertBulkImport(
      em,
      {
        id: bulkId,
        workspaceId: workspace.id,
        inviter: request.inviter,
        send: request.send,
        locale: request.locale ?? null,
        phoneConsent: request.phoneConsent,
      },
      newBulkRows(rows, found, () => newId('inv')),
    );
    try {
      const input: BulkImportInput = { bulkId, lastLine: rows.reduce((last, row) => Math.max(last, row.line), 0) };
      await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
        ctx.temporal.workflow.start(bulkImportWorkflowType, {
          taskQueue: ctx.taskQueue,
          workflowId: bulkWorkflowId(bulkId),
          args: [input],
          staticSummary: `Import ${bulkId} of ${rows.length} rows into workspace ${workspace.id}`,
        }),
      );
    } catch (error) {
      // Nothing was started: the import is taken back whole, and the host can send it again.
      await deleteBulkImport(em, bulkId);
      throw error;
    }
    const bulk = (await findBulkImport(em, bulkId))!;
    return {
      status: 202,
      body: await bulkView(ctx.orm, bulk),
      headers: { location: `/v1/workspaces/${workspace.id}/invitations/bulk/${bulkId}` },
    };
  });

  async function importOf({ ws, id }: { ws: string; id: string }) {
    const workspace = await getWorkspace(ctx.orm, ws);
    const bulk = await findBulkImport(ctx.orm.em.fork(), id, workspace.id);
    if (!bulk) throw new Problem('not_found', `no bulk import "${id}" in this workspace`);
    return bulk;
  }

  serve(router, routes.getBulkImport, async ({ params }) => ({
    status: 200,
    body: await bulkView(ctx.orm, await importOf(params)),
  }));

  serve(router, routes.cancelBulkImport, async ({ params }) => {
    const bulk = await importOf(params);
    try {
      await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
        ctx.temporal.workflow.getHandle(bulkWorkflowId(bulk.id)).executeUpdate(cancelBulkUpdate),
      );
    } catch (error) {
      // An import that already ended has nothing left to cancel.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    return { status: 202, body: await bulkSummary(ctx.orm, (await findBulkImport(ctx.orm.em.fork(), bulk.id))!) };
  });

  return router;
}
