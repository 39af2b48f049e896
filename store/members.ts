import { randomUUID } from 'node:crypto';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { enqueueWebhookEvents, type EndpointsToWake, type WebhookEvent } from './webhook-outbox';
import { checkSeats, lockSeats } from './claims';
import { joinClauses, readKeysetPage, type KeysetPage } from './clauses';
import {
  memberChanges,
  type JoinMethod,
  type MemberChanges,
  type MemberPatch,
  type MemberStatus,
  type MemberView,
} from '../domain/member';
import type { Cursor } from '../domain/cursor';
import { RuleViolation } from '../domain/error-codes';

/** A row of `members` as `em.execute` returns it: jsonb parsed, timestamptz as text. */
export interface MemberRow {
  workspace_id: string;
  user_id: string;
  roles: string[];
  groups: string[];
  status: MemberStatus;
  joined_via: JoinMethod;
  invitation_id: string | null;
  joined_at: string;
  expires_at: string | null;
  sponsor_id: string | null;
}

export const memberColumns =
  'workspace_id, user_id, roles, groups, status, joined_via, invitation_id, joined_at, expires_at, sponsor_id';

const memberSql = `select ${memberColumns} from members where workspace_id = ? and user_id = ?`;

export function memberView(row: MemberRow): MemberView {
  return {
    workspaceId: row.workspace_id,
    userId: row.user_id,
    roles: row.roles,
    groups: row.groups,
    status: row.status,
    joinedVia: row.joined_via,
    joinedAt: new Date(row.joined_at).toISOString(),
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).toISOString(),
    sponsor: row.sponsor_id,
  };
}

async function findMember(em: EntityManager, workspaceId: string, userId: string): Promise<MemberRow | undefined> {
  const [row] = await em.execute<MemberRow[]>(memberSql, [workspaceId, userId]);
  return row;
}

/** A user's membership of a workspace, with the invitation it came from; `null` when there is none. */
export async function findMembership(
  orm: MikroORM,
  workspaceId: string,
  userId: string,
): Promise<{ invitationId: string | null; member: MemberView } | null> {
  const row = await findMember(orm.em.fork(), workspaceId, userId);
  return row ? { invitationId: row.invitation_id, member: memberView(row) } : null;
}

const notFound = (userId: string) => new RuleViolation('member_not_found', `no member "${userId}" in this workspace`);

export async function getMember(orm: MikroORM, workspaceId: string, userId: string): Promise<MemberView> {
  const row = await findMember(orm.em.fork(), workspaceId, userId);
  if (!row) throw notFound(userId);
  return memberView(row);
}

/** Newest first, keyset-paginated on (joinedAt, userId) with the invitations' cursor format. */
export async function listMembers(
  orm: MikroORM,
  query: {
    workspaceId: string;
    status?: MemberStatus;
    role?: string;
    group?: string;
    cursor?: Cursor;
    limit: number;
  },
): Promise<KeysetPage<MemberView>> {
  return readKeysetPage(
    orm.em.fork(),
    {
      select: `select ${memberColumns} from members`,
      // roles and groups are jsonb arrays of strings. `@>`, which a GIN index could serve, and not `?`: MikroORM
      // would take that for a placeholder.
      filters: [
        ['workspace_id = ?', query.workspaceId],
        query.status && ['status = ?', query.status],
        query.role && ['roles @> jsonb_build_array(?::text)', query.role],
        query.group && ['groups @> jsonb_build_array(?::text)', query.group],
      ],
      time: 'joined_at',
      id: 'user_id',
      cursor: query.cursor,
      limit: query.limit,
    },
    memberView,
  );
}

/** The member's row, locked until the transaction ends so concurrent changes apply one after the other. */
async function lockedMember(em: EntityManager, workspaceId: string, userId: string): Promise<MemberRow> {
  const [row] = await em.execute<MemberRow[]>(`${memberSql} for update`, [workspaceId, userId]);
  if (!row) throw notFound(userId);
  return row;
}

/**
 * An API call is not replayed the way an activity is, so each change gets a
 * fresh key: two updates with the same content are still two events.
 */
export function memberEvent(
  type: 'member.joined' | 'member.updated' | 'member.removed',
  member: MemberView,
  data: object,
): WebhookEvent {
  return {
    type,
    key: `${type}:${randomUUID()}`,
    orderingKey: `${member.workspaceId}:${member.userId}`,
    workspaceId: member.workspaceId,
    timestamp: new Date().toISOString(),
    data: { member, ...data },
  };
}

export interface MemberChangeResult {
  member: MemberView;
  /** Endpoints whose webhook dispatcher to wake once committed. */
  toWake: EndpointsToWake;
}

/** Sets only the changed columns of the member's row, locked before, and answers the row as it now is. */
async function writeChanges(
  em: EntityManager,
  workspaceId: string,
  userId: string,
  changes: MemberChanges,
): Promise<MemberRow> {
  const set = joinClauses(
    [
      changes.roles && ['roles = ?::jsonb', JSON.stringify(changes.roles.to)],
      changes.groups && ['groups = ?::jsonb', JSON.stringify(changes.groups.to)],
      changes.status && ['status = ?', changes.status.to],
      changes.expiresAt && ['expires_at = ?::timestamptz', changes.expiresAt.to],
    ],
    ', ',
  );
  const [row] = await em.execute<MemberRow[]>(
    `update members set ${set.sql} where workspace_id = ? and user_id = ? returning ${memberColumns}`,
    [...set.params, workspaceId, userId],
  );
  return row!;
}

/**
 * Applies a patch and queues `member.updated` in the same transaction; a
 * patch that changes nothing queues nothing. A disabled member enabled again
 * takes a seat back, within the workspace's limit.
 */
export function updateMember(
  orm: MikroORM,
  workspaceId: string,
  userId: string,
  patch: MemberPatch,
  seatLimit: number | null,
): Promise<MemberChangeResult> {
  return orm.em.fork().transactional(async (em) => {
    // Seats are locked before the member, in the order every seat-taking path locks them.
    const takesSeat = patch.status === 'active' && seatLimit !== null;
    if (takesSeat) await lockSeats(em, workspaceId);
    const current = memberView(await lockedMember(em, workspaceId, userId));
    const changes = memberChanges(current, patch);
    if (Object.keys(changes).length === 0) return { member: current, toWake: [] };
    const member = memberView(await writeChanges(em, workspaceId, userId, changes));
    if (takesSeat && changes.status) await checkSeats(em, workspaceId, seatLimit);
    return {
      member,
      toWake: await enqueueWebhookEvents(em, [memberEvent('member.updated', member, { changes })]),
    };
  });
}

/** Deletes the membership and queues `member.removed`, carrying the member as it was, in the same transaction. */
export function removeMember(orm: MikroORM, workspaceId: string, userId: string): Promise<MemberChangeResult> {
  return orm.em.fork().transactional(async (em) => {
    const [row] = await em.execute<MemberRow[]>(
      `delete from members where workspace_id = ? and user_id = ? returning ${memberColumns}`,
      [workspaceId, userId],
    );
    if (!row) throw notFound(userId);
    const member = memberView(row);
    return { member, toWake: await enqueueWebhookEvents(em, [memberEvent('member.removed', member, {})]) };
  });
}

/** A user joining a workspace outside an invitation: with its code or a shareable link, or by email domain. */
export interface DirectJoin {
  workspaceId: string;
  userId: string;
  roles: string[];
  groups?: string[];
  via: Extract<JoinMethod, 'code' | 'domain' | 'link'>;
  seatLimit: number | null;
  /** More of `member.joined`'s data, e.g. the link joined with. */
  announced?: object;
}

/**
 * Makes the user an active member and queues `member.joined`, inside the
 * caller's transaction, under the seat lock when seats are limited. A user
 * who is a member already gets `already_member`.
 */
export async function joinDirectly(em: EntityManager, join: DirectJoin): Promise<MemberChangeResult> {
  if (join.seatLimit !== null) await lockSeats(em, join.workspaceId);
  const [joined] = await em.execute<MemberRow[]>(
    `insert into members (workspace_id, user_id, roles, groups, status, joined_via, invitation_id, joined_at)
     values (?, ?, ?::jsonb, ?::jsonb, 'active', ?, null, now())
     on conflict (workspace_id, user_id) do nothing returning ${memberColumns}`,
    [join.workspaceId, join.userId, JSON.stringify(join.roles), JSON.stringify(join.groups ?? []), join.via],
  );
  if (!joined) throw new RuleViolation('already_member', 'this user is already a member of the workspace');
  if (join.seatLimit !== null) await checkSeats(em, join.workspaceId, join.seatLimit);
  const member = memberView(joined);
  const event = memberEvent('member.joined', member, join.announced ?? {});
  return { member, toWake: await enqueueWebhookEvents(em, [event]) };
}

/** `joinDirectly` in a transaction of its own. */
export function joinMember(orm: MikroORM, join: DirectJoin): Promise<MemberChangeResult> {
  return orm.em.fork().transactional((em) => joinDirectly(em, join));
}
