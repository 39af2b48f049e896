import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  bulkProgress,
  type BulkImport,
  type BulkImportSummary,
  type BulkOutcome,
  type BulkProgress,
  type BulkStatus,
} from '../domain/bulk';
import { rowKeys, type KnownContacts, type NewBulkRow } from '../domain/bulk-findings';
import type { CheckedBulkRow } from '../domain/bulk-input';
import { emailKey } from '../domain/contact';
import type { Inviter } from '../domain/invitation';
import { seatsTaken } from './claims';

export interface BulkImportRow {
  id: string;
  workspace_id: string;
  status: BulkStatus;
  inviter: Inviter;
  send: boolean;
  locale: string | null;
  phone_consent: boolean;
  created_at: Date;
  finished_at: Date | null;
}

export interface BulkRowRecord {
  line: number;
  email: string | null;
  phone: string | null;
  name: string | null;
  roles: string[];
  groups: string[];
  outcome: BulkOutcome;
  code: string | null;
  invitation_id: string;
}

export async function findBulkImport(
  em: EntityManager,
  bulkId: string,
  workspaceId?: string,
): Promise<BulkImportRow | undefined> {
  const [row] = await em.execute<BulkImportRow[]>(
    'select * from bulk_imports where id = ? and (?::text is null or workspace_id = ?)',
    [bulkId, workspaceId ?? null, workspaceId ?? null],
  );
  return row;
}

export async function progressOf(em: EntityManager, bulkId: string): Promise<BulkProgress> {
  const counts = await em.execute<{ outcome: BulkOutcome; count: string }[]>(
    'select outcome, count(*) as count from bulk_rows where bulk_id = ? group by outcome',
    [bulkId],
  );
  return bulkProgress(Object.fromEntries(counts.map(({ outcome, count }) => [outcome, Number(count)])));
}

/** An import's progress, as the API and `bulk.completed` show it. */
export async function bulkSummary(orm: MikroORM, bulk: BulkImportRow): Promise<BulkImportSummary> {
  return {
    id: bulk.id,
    workspaceId: bulk.workspace_id,
    status: bulk.status,
    ...(await progressOf(orm.em.fork(), bulk.id)),
    createdAt: new Date(bulk.created_at).toISOString(),
    finishedAt: bulk.finished_at ? new Date(bulk.finished_at).toISOString() : null,
  };
}

/** An import with every row's outcome; there may be 10,000. */
export async function bulkView(orm: MikroORM, bulk: BulkImportRow): Promise<BulkImport> {
  const rows = await orm.em
    .fork()
    .execute<BulkRowRecord[]>('select * from bulk_rows where bulk_id = ? order by line', [bulk.id]);
  return {
    ...(await bulkSummary(orm, bulk)),
    rows: rows.map((row) => ({
      line: row.line,
      email: row.email,
      phone: row.phone,
      outcome: row.outcome,
      code: row.code,
      invitationId: row.outcome === 'sent' || row.code === 'already_invited' ? row.invitation_id : null,
    })),
  };
}

/** What the workspace holds about the people the rows that passed their own checks name. */
export async function knownContacts(
  em: EntityManager,
  workspaceId: string,
  rows: CheckedBulkRow[],
  seatLimit: number | null,
): Promise<KnownContacts> {
  const valid = rows.filter((row) => row.problem === null);
  const open = await em.execute<{ person_key: string; invitation_id: string }[]>(
    `select person_key, invitation_id from open_invitations
     where workspace_id = ? and person_key in (select jsonb_array_elements_text(?::jsonb))`,
    [workspaceId, JSON.stringify(valid.flatMap(rowKeys))],
  );
  const emails = valid.flatMap((row) => (row.email ? [emailKey(row.email)] : []));
  const phones = valid.flatMap((row) => (row.phone ? [row.phone] : []));
  const members = await em.execute<{ email_key: string | null; phone: string | null }[]>(
    `select i.email_key, i.phone from invitations i
     join members m on m.workspace_id = i.workspace_id and m.user_id = i.accepted_by and m.status = 'active'
     where i.workspace_id = ? and i.status = 'accepted'
       and (i.email_key in (select jsonb_array_elements_text(?::jsonb))
         or i.phone in (select jsonb_array_elements_text(?::jsonb)))`,
    [workspaceId, JSON.stringify(emails), JSON.stringify(phones)],
  );
  return {
    openBy: new Map(open.map((row) => [row.person_key, row.invitation_id])),
    // The invitation's email_key is already a key: rowKeys keys it again to the same value.
    memberKeys: new Set(members.flatMap((member) => rowKeys({ email: member.email_key, phone: member.phone }))),
    seatsLeft: seatLimit === null ? null : seatLimit - (await seatsTaken(em, workspaceId)),
  };
}

export interface NewBulkImport {
  id: string;
  workspaceId: string;
  inviter: Inviter;
  send: boolean;
  locale: string | null;
  phoneConsent: boolean;
}

/** Inserts an import and all its rows in one transaction: it exists whole or not at all. */
export async function insertBulkImport(em: EntityManager, bulk: NewBulkImport, rows: NewBulkRow[]): Promise<void> {
  await em.transactional(async (tx) => {
    await tx.execute(
      `insert into bulk_imports (id, workspace_id, status, inviter, send, locale, phone_consent)
       values (?, ?, 'running', ?::jsonb, ?, ?, ?)`,
      [bulk.id, bulk.workspaceId, JSON.stringify(bulk.inviter), bulk.send, bulk.locale, bulk.phoneConsent],
    );
    const chunk = 1_000;
    for (let start = 0; start < rows.length; start += chunk) {
      const part = rows.slice(start, start + chunk);
      await tx.execute(
        `insert into bulk_rows (bulk_id, line, email, phone, name, roles, groups, outcome, code, invitation_id)
         values ${part.map(() => '(?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)').join(', ')}`,
        part.flatMap((row) => [
          bulk.id,
          row.line,
          row.email,
          row.phone,
          row.name,
          JSON.stringify(row.roles),
          JSON.stringify(row.groups),
          row.outcome,
          row.code,
          row.invitationId,
        ]),
      );
    }
  });
}

/** Takes back an import that no workflow started: its rows go with it. */
export async function deleteBulkImport(em: EntityManager, bulkId: string): Promise<void> {
  await em.execute('delete from bulk_imports where id = ?', [bulkId]);
}

/** The rows of lines `[fromLine, toLine)` not started yet, in line order. */
export function pendingRows(em: EntityManager, bulkId: string, fromLine: number, toLine: number) {
  return em.execute<BulkRowRecord[]>(
    `select * from bulk_rows where bulk_id = ? and outcome = 'pending' and line >= ? and line < ? order by line`,
    [bulkId, fromLine, toLine],
  );
}

export interface RowOutcome {
  line: number;
  outcome: BulkOutcome;
  code: string | null;
  invitationId: string;
}

/** The outcomes of a batch's rows, in one statement. */
export async function recordRowOutcomes(em: EntityManager, bulkId: string, outcomes: RowOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await em.execute(
    `update bulk_rows set outcome = result.outcome, code = result.code, invitation_id = result.invitation_id
     from (values ${outcomes.map(() => '(?::int, ?::text, ?::text, ?::text)').join(', ')})
       as result (line, outcome, code, invitation_id)
     where bulk_rows.bulk_id = ? and bulk_rows.line = result.line`,
    [...outcomes.flatMap((row) => [row.line, row.outcome, row.code, row.invitationId]), bulkId],
  );
}

/** Marks the rows not started yet as skipped by a cancel; answers how many. */
export async function skipPendingRows(em: EntityManager, bulkId: string): Promise<number> {
  const rows = await em.execute<{ line: number }[]>(
    `update bulk_rows set outcome = 'skipped', code = 'cancelled' where bulk_id = ? and outcome = 'pending'
     returning line`,
    [bulkId],
  );
  return rows.length;
}

/** Ends an import; a repeated end keeps the first end's time. */
export async function endBulkImport(
  em: EntityManager,
  bulkId: string,
  status: 'completed' | 'cancelled',
): Promise<BulkImportRow | undefined> {
  const [bulk] = await em.execute<BulkImportRow[]>(
    `update bulk_imports set status = ?, finished_at = coalesce(finished_at, now()) where id = ? returning *`,
    [status, bulkId],
  );
  return bulk;
}

/** The rows not started yet of every running import. */
export async function rowsRemaining(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ remaining: number }[]>(
    `select count(*)::int as remaining from bulk_rows r join bulk_imports b on b.id = r.bulk_id
     where b.status = 'running' and r.outcome = 'pending'`,
  );
  return row!.remaining;
}
