import { randomUUID } from 'node:crypto';
import { LockMode, type EntityManager, type FilterQuery, type MikroORM } from '@mikro-orm/postgresql';
import { enqueueWebhookEvents, type EndpointsToWake, type WebhookEvent } from './webhook-outbox';
import { checkSeats, lockSeats } from './claims';
import { MemberSchema, type MemberRow } from '../db/entities';
import { memberChanges, type MemberPatch, type MemberStatus, type MemberView } from '../domain/member';
import { encodeCursor, type Cursor } from '../domain/cursor';
import { RuleViolation } from '../domain/error-codes';

export function memberView(row: MemberRow): MemberView {
  return {
    workspaceId: row.workspaceId,
    userId: row.userId,
    roles: row.roles,
    groups: row.groups,
    status: row.status,
    joinedVia: row.joinedVia,
    joinedAt: row.joinedAt.toISOString(),
  };
}

/** A user's membership of a workspace, with the invitation it came from; `null` when there is none. */
export async function findMembership(
  orm: MikroORM,
  workspaceId: string,
  userId: string,
): Promise<{ invitationId: string | null; member: MemberView } | null> {
  const row = await orm.em.fork().findOne(MemberSchema, { workspaceId, userId });
  return row && { invitationId: row.invitationId, member: memberView(row) };
}

const notFound = (userId: string) => new RuleViolation('member_not_found', `no member "${userId}" in this workspace`);

export async function getMember(orm: MikroORM, workspaceId: string, userId: string): Promise<MemberView> {
  const row = await orm.em.fork().findOne(MemberSchema, { workspaceId, userId });
  if (!row) throw notFound(userId);
  return memberView(row);
}

export interface MemberPage {
  data: MemberView[];
  nextCursor: string | null;
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
): Promise<MemberPage> {
  const where: FilterQuery<MemberRow>[] = [{ workspaceId: query.workspaceId }];
  if (query.status) where.push({ status: query.status });
  // roles and groups are jsonb arrays of strings: `?` is true when the string is one of their elements.
  if (query.role) where.push({ roles: { $hasKey: query.role } });
  if (query.group) where.push({ groups: { $hasKey: query.group } });
  if (query.cursor) {
    const joinedAt = new Date(query.cursor.createdAt);
    where.push({ $or: [{ joinedAt: { $lt: joinedAt } }, { joinedAt, userId: { $lt: query.cursor.id } }] });
  }
  const rows = await orm.em.fork().find(
    MemberSchema,
    { $and: where },
    {
      orderBy: [{ joinedAt: 'desc' }, { userId: 'desc' }],
      limit: query.limit + 1,
    },
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map(memberView),
    nextCursor:
      rows.length > query.limit && last
        ? encodeCursor({ createdAt: last.joinedAt.toISOString(), id: last.userId })
        : null,
  };
}

/** The member's row, locked until the transaction ends so concurrent changes apply one after the other. */
async function lockedMember(em: EntityManager, workspaceId: string, userId: string): Promise<MemberRow> {
  const row = await em.findOne(MemberSchema, { workspaceId, userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
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
  /** Outbox deliveries to start once the transaction has committed. */
  /** Endpoints whose webhook dispatcher to wake once committed. */
  toWake: EndpointsToWake;
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
    const row = await lockedMember(em, workspaceId, userId);
    const changes = memberChanges(memberView(row), patch);
    if (Object.keys(changes).length === 0) return { member: memberView(row), toWake: [] };
    if (changes.roles) row.roles = changes.roles.to;
    if (changes.groups) row.groups = changes.groups.to;
    if (changes.status) row.status = changes.status.to;
    await em.flush();
    if (takesSeat && changes.status) await checkSeats(em, workspaceId, seatLimit);
    const member = memberView(row);
    return {
      member,
      toWake: await enqueueWebhookEvents(em, [memberEvent('member.updated', member, { changes })]),
    };
  });
}

/** Deletes the membership and queues `member.removed`, carrying the member as it was, in the same transaction. */
export function removeMember(orm: MikroORM, workspaceId: string, userId: string): Promise<MemberChangeResult> {
  return orm.em.fork().transactional(async (em) => {
    const row = await lockedMember(em, workspaceId, userId);
    const member = memberView(row);
    em.remove(row);
    await em.flush();
    return { member, toWake: await enqueueWebhookEvents(em, [memberEvent('member.removed', member, {})]) };
  });
}
