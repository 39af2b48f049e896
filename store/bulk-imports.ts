import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  bulkProgress,
  type BulkImport,
  type BulkImportSummary,
  type BulkOutcome,
  type BulkProgress,
  type BulkStatus,
} from '../domain/bulk';
import type { Inviter } from '../domain/invitation';

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
