import type { MikroORM } from '@mikro-orm/postgresql';
import { emailKey } from '../domain/contact';
import { InvitationEventSchema, InvitationSchema, type InvitationRow } from '../db/entities';
import type { InvitationEvent, InvitationStatus } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import { RuleViolation } from '../domain/error-codes';
import { encodeCursor, type Cursor } from '../domain/cursor';

const iso = (date: Date | null) => date?.toISOString() ?? null;

function view(row: InvitationRow, events: InvitationEvent[]): InvitationView {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    status: row.status,
    invitee: {
      email: row.email,
      phone: row.phone,
      name: row.name,
      userId: row.userId,
      phoneConsent: row.phoneConsent,
    },
    roles: row.roles,
    groups: row.groups,
    channels: row.channels,
    inviter: row.inviter,
    locale: row.locale,
    sendCount: row.sendCount,
    lastSentAt: iso(row.lastSentAt),
    expiresAt: iso(row.expiresAt),
    createdAt: row.createdAt.toISOString(),
    acceptedAt: iso(row.acceptedAt),
    acceptedBy: row.acceptedBy,
    ...(row.erasedAt && { erasedAt: row.erasedAt.toISOString() }),
    events,
  };
}

/** One invitation as projected, with its history; 404 when it is not in that workspace. */
export async function getInvitation(orm: MikroORM, id: string, workspaceId?: string): Promise<InvitationView> {
  const invitation = await findInvitation(orm, id, workspaceId);
  if (!invitation) throw new RuleViolation('invitation_not_found', `no invitation "${id}" in this workspace`);
  return invitation;
}

export async function findInvitation(
  orm: MikroORM,
  id: string,
  workspaceId?: string,
): Promise<InvitationView | undefined> {
  const em = orm.em.fork();
  const row = await em.findOne(InvitationSchema, workspaceId ? { id, workspaceId } : { id });
  if (!row) return undefined;
  const events = await em.find(InvitationEventSchema, { invitationId: id }, { orderBy: { seq: 'asc' } });
  return view(
    row,
    events.map((event) => ({
      seq: event.seq,
      type: event.type,
      at: event.at.toISOString(),
      by: event.by,
      ...(event.detail !== null && { detail: event.detail }),
      ...(event.messageId !== null && { messageId: event.messageId }),
      ...(event.method !== null && { method: event.method }),
    })),
  );
}

export interface ListPage {
  data: InvitationView[];
  nextCursor: string | null;
}

/** Newest first, keyset-paginated on (createdAt, id) so pages stay stable while invitations arrive. */
export async function listInvitations(
  orm: MikroORM,
  query: {
    workspaceId: string;
    status?: InvitationStatus;
    email?: string;
    phone?: string;
    cursor?: Cursor;
    limit: number;
  },
): Promise<ListPage> {
  const rows = await orm.em.fork().find(
    InvitationSchema,
    {
      workspaceId: query.workspaceId,
      ...(query.status ? { status: query.status } : {}),
      ...(query.email ? { emailKey: emailKey(query.email) } : {}),
      ...(query.phone ? { phone: query.phone } : {}),
      ...(query.cursor
        ? {
            $or: [
              { createdAt: { $lt: new Date(query.cursor.createdAt) } },
              { createdAt: new Date(query.cursor.createdAt), id: { $lt: query.cursor.id } },
            ],
          }
        : {}),
    },
    { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], limit: query.limit + 1 },
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => view(row, [])),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}
