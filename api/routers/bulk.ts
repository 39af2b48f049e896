import { Router } from 'express';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { EntityManager } from '@mikro-orm/postgresql';
import { bulkSummary, bulkView, findBulkImport } from '../../store/bulk-imports';
import { bulkWorkflowId } from '../../domain/bulk';
import {
  BulkInputError,
  checkBulkRows,
  entriesToRows,
  parsePastedList,
  type BulkRowInput,
  type CheckedBulkRow,
} from '../../domain/bulk-input';
import { parseCsv } from '../../domain/bulk-csv';
import { personKeys, emailKey } from '../../domain/contact';
import { newId } from '../../domain/ids';
import type { Inviter } from '../../domain/invitation';
import { inviteOrRequest } from '../../domain/invite-requests';
import type { Workspace } from '../../domain/workspace';
import { bulkImportWorkflow, cancelBulkUpdate } from '../../workflows/bulk-import';
import type { ApiContext } from '../context';
import { seatsTaken } from '../../store/claims';
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
 * What the workspace already says about the rows that passed their own
 * checks: a person with an open invitation, a member who joined through one,
 * and rows past the seat limit. Answers a problem code per line.
 */
async function workspaceChecks(
  em: EntityManager,
  workspace: Workspace,
  rows: CheckedBulkRow[],
): Promise<Map<number, { code: string; invitationId?: string }>> {
  const found = new Map<number, { code: string; invitationId?: string }>();
  const valid = rows.filter((row) => row.problem === null);
  const keysOf = (row: CheckedBulkRow) => personKeys({ email: row.email, phone: row.phone, userId: null });
  const open = await em.execute<{ person_key: string; invitation_id: string }[]>(
    `select person_key, invitation_id from open_invitations
     where workspace_id = ? and person_key in (select jsonb_array_elements_text(?::jsonb))`,
    [workspace.id, JSON.stringify(valid.flatMap(keysOf))],
  );
  const openBy = new Map(open.map((row) => [row.person_key, row.invitation_id]));
  const emails = valid.flatMap((row) => (row.email ? [emailKey(row.email)] : []));
  const phones = valid.flatMap((row) => (row.phone ? [row.phone] : []));
  const members = await em.execute<{ email_key: string | null; phone: string | null }[]>(
    `select i.email_key, i.phone from invitations i
     join members m on m.workspace_id = i.workspace_id and m.user_id = i.accepted_by and m.status = 'active'
     where i.workspace_id = ? and i.status = 'accepted'
       and (i.email_key in (select jsonb_array_elements_text(?::jsonb))
         or i.phone in (select jsonb_array_elements_text(?::jsonb)))`,
    [workspace.id, JSON.stringify(emails), JSON.stringify(phones)],
  );
  const memberKeys = new Set(
    members.flatMap((member) => personKeys({ email: member.email_key, phone: member.phone, userId: null })),
  );
  const { seatLimit } = workspace.settings;
  let seatsLeft = seatLimit === null ? Infinity : seatLimit - (await seatsTaken(em, workspace.id));
  for (const row of valid) {
    const keys = keysOf(row);
    const holder = keys.map((key) => openBy.get(key)).find((id) => id !== undefined);
    if (keys.some((key) => memberKeys.has(key))) found.set(row.line, { code: 'already_member' });
    else if (holder) found.set(row.line, { code: 'already_invited', invitationId: holder });
    else if (seatsLeft-- <= 0) found.set(row.line, { code: 'seat_limit_reached' });
  }
  return found;
}

/** Inserts an import and all its rows in one transaction: it exists whole or not at all. */
async function insertImport(
  em: EntityManager,
  bulkId: string,
  workspace: Workspace,
  request: BulkRequest,
  rows: CheckedBulkRow[],
  found: Map<number, { code: string; invitationId?: string }>,
): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into bulk_imports (id, workspace_id, status, inviter, send, locale, phone_consent)
       values (?, ?, 'running', ?::jsonb, ?, ?, ?)`,
      [
        bulkId,
        workspace.id,
        JSON.stringify(request.inviter),
        request.send,
        request.locale ?? null,
        request.phoneConsent,
      ],
    );
    const chunk = 1_000;
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      await tx.execute(
        `insert into bulk_rows (bulk_id, line, email, phone, name, roles, groups, outcome, code, invitation_id)
         values ${part.map(() => '(?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)').join(', ')}`,
        part.flatMap((row) => {
          const known = found.get(row.line);
          const code = row.problem ?? known?.code ?? null;
          return [
            bulkId,
            row.line,
            row.email,
            row.phone,
            row.name,
            JSON.stringify(row.roles),
            JSON.stringify(row.groups),
            code === null ? 'pending' : 'failed',
            code,
            known?.invitationId ?? newId('inv'),
          ];
        }),
      );
    }
  });
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
    await insertImport(em, bulkId, workspace, request, rows, await workspaceChecks(em, workspace, rows));
    try {
      await ctx.temporal.withDeadline(Date.now() + ctx.temporalTimeoutMs, () =>
        ctx.temporal.workflow.start(bulkImportWorkflow, {
          taskQueue: ctx.taskQueue,
          workflowId: bulkWorkflowId(bulkId),
          args: [{ bulkId, lastLine: rows.reduce((last, row) => Math.max(last, row.line), 0) }],
          staticSummary: `Import ${bulkId} of ${rows.length} rows into workspace ${workspace.id}`,
        }),
      );
    } catch (error) {
      // Nothing was started: the import is taken back whole, and the host can send it again.
      await em.execute('delete from bulk_imports where id = ?', [bulkId]);
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
