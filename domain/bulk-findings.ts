import type { CheckedBulkRow } from './bulk-input';
import { personKeys } from './contact';

/** What a workspace already holds about the people an import names. */
export interface KnownContacts {
  /** The open invitation that holds each person key. */
  openBy: ReadonlyMap<string, string>;
  /** The person keys of active members who joined through an invitation. */
  memberKeys: ReadonlySet<string>;
  /** Seats still free; `null` when the workspace sets no limit. */
  seatsLeft: number | null;
}

export type RowFinding =
  { code: 'already_member' } | { code: 'already_invited'; invitationId: string } | { code: 'seat_limit_reached' };

/** One row as an import stores it: refused with its code, or pending with the id its invitation will take. */
export interface NewBulkRow extends Pick<CheckedBulkRow, 'line' | 'email' | 'phone' | 'name' | 'roles' | 'groups'> {
  outcome: 'pending' | 'failed';
  code: string | null;
  invitationId: string;
}

export const rowKeys = (row: Pick<CheckedBulkRow, 'email' | 'phone'>) =>
  personKeys({ email: row.email, phone: row.phone, userId: null });

/**
 * The rows that passed their own checks, against the workspace: a member is
 * `already_member` before an open invitation makes it `already_invited`, and
 * seats go to the rows left, in line order, until none is free.
 */
export function workspaceFindings(rows: CheckedBulkRow[], known: KnownContacts): Map<number, RowFinding> {
  const found = new Map<number, RowFinding>();
  let seatsLeft = known.seatsLeft ?? Infinity;
  for (const row of rows.filter((row) => row.problem === null)) {
    const keys = rowKeys(row);
    const holder = keys.map((key) => known.openBy.get(key)).find((id) => id !== undefined);
    if (keys.some((key) => known.memberKeys.has(key))) found.set(row.line, { code: 'already_member' });
    else if (holder) found.set(row.line, { code: 'already_invited', invitationId: holder });
    else if (seatsLeft-- <= 0) found.set(row.line, { code: 'seat_limit_reached' });
  }
  return found;
}

/**
 * Every row as stored: a refused one keeps its code (and the invitation that
 * already holds its person), a valid one gets the id its invitation is
 * created with, so a retried batch finds the invitation it made.
 */
export function newBulkRows(
  rows: CheckedBulkRow[],
  found: ReadonlyMap<number, RowFinding>,
  newInvitationId: () => string,
): NewBulkRow[] {
  return rows.map((row) => {
    const finding = found.get(row.line);
    const code = row.problem ?? finding?.code ?? null;
    return {
      line: row.line,
      email: row.email,
      phone: row.phone,
      name: row.name,
      roles: row.roles,
      groups: row.groups,
      outcome: code === null ? 'pending' : 'failed',
      code,
      invitationId: finding?.code === 'already_invited' ? finding.invitationId : newInvitationId(),
    };
  });
}
