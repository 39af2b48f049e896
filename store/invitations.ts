import type { MikroORM } from '@mikro-orm/postgresql';
import { emailKey } from '../domain/contact';
import type {
  AcceptMethod,
  BounceType,
  Inviter,
  InvitationEvent,
  InvitationEventType,
  InvitationStatus,
} from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import type { Channel } from '../domain/workspace';
import { RuleViolation } from '../domain/error-codes';
import type { Cursor } from '../domain/cursor';
import { readKeysetPage, type KeysetPage } from './clauses';

/** A row of `invitations` as `em.execute` returns it: jsonb parsed, timestamptz as text. */
interface InvitationRow {
  id: string;
  workspace_id: string;
  status: InvitationStatus;
  email: string | null;
  phone: string | null;
  name: string | null;
  user_id: string | null;
  phone_consent: boolean;
  roles: string[];
  groups: string[];
  channels: Channel[];
  inviter: Inviter;
  locale: string | null;
  send_count: number;
  last_sent_at: string | null;
  expires_at: string | null;
  created_at: string;
  accepted_at: string | null;
  accepted_by: string | null;
  erased_at: string | null;
}

interface InvitationEventRow {
  seq: number;
  type: InvitationEventType;
  at: string;
  by: string | null;
  detail: string | null;
  message_id: string | null;
  method: AcceptMethod | null;
  bounce_type: BounceType | null;
  complaint: boolean | null;
}

const invitationColumns = `id, workspace_id, status, email, phone, name, user_id, phone_consent, roles, groups,
  channels, inviter, locale, send_count, last_sent_at, expires_at, created_at, accepted_at, accepted_by, erased_at`;

// PostgreSQL's text keeps microseconds and the session's offset; the API shows UTC to the millisecond.
const iso = (at: string) => new Date(at).toISOString();
const isoOrNull = (at: string | null) => (at === null ? null : iso(at));

function view(row: InvitationRow, events: InvitationEvent[]): InvitationView {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    status: row.status,
    invitee: {
      email: row.email,
      phone: row.phone,
      name: row.name,
      userId: row.user_id,
      phoneConsent: row.phone_consent,
    },
    roles: row.roles,
    groups: row.groups,
    channels: row.channels,
    inviter: row.inviter,
    locale: row.locale,
    sendCount: row.send_count,
    lastSentAt: isoOrNull(row.last_sent_at),
    expiresAt: isoOrNull(row.expires_at),
    createdAt: iso(row.created_at),
    acceptedAt: isoOrNull(row.accepted_at),
    acceptedBy: row.accepted_by,
    ...(row.erased_at && { erasedAt: iso(row.erased_at) }),
    events,
  };
}

function eventView(row: InvitationEventRow): InvitationEvent {
  return {
    seq: row.seq,
    type: row.type,
    at: iso(row.at),
    by: row.by,
    ...(row.detail !== null && { detail: row.detail }),
    ...(row.message_id !== null && { messageId: row.message_id }),
    ...(row.method !== null && { method: row.method }),
    ...(row.bounce_type !== null && { bounceType: row.bounce_type }),
    ...(row.complaint === true && { complaint: true as const }),
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
  const [row] = await em.execute<InvitationRow[]>(
    `select ${invitationColumns} from invitations where id = ? and (?::text is null or workspace_id = ?)`,
    [id, workspaceId ?? null, workspaceId ?? null],
  );
  if (!row) return undefined;
  const events = await em.execute<InvitationEventRow[]>(
    `select seq, type, at, by, detail, message_id, method, bounce_type, complaint
     from invitation_events where invitation_id = ? order by seq`,
    [id],
  );
  return view(row, events.map(eventView));
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
): Promise<KeysetPage<InvitationView>> {
  return readKeysetPage(
    orm.em.fork(),
    {
      select: `select ${invitationColumns} from invitations`,
      filters: [
        ['workspace_id = ?', query.workspaceId],
        query.status && ['status = ?', query.status],
        query.email && ['email_key = ?', emailKey(query.email)],
        query.phone && ['phone = ?', query.phone],
      ],
      time: 'created_at',
      id: 'id',
      cursor: query.cursor,
      limit: query.limit,
    },
    (row: InvitationRow) => view(row, []),
  );
}

/** An open invitation registration may match: its contacts, and the user it was addressed to. */
export interface MatchCandidate {
  id: string;
  workspaceId: string;
  email: string | null;
  phone: string | null;
  phoneConsent: boolean;
  userId: string | null;
}

/** Open invitations to this email or phone, in `workspaceId` only when given, oldest first. */
export function openInvitationsTo(
  orm: MikroORM,
  contact: { email?: string; phone?: string },
  workspaceId: string | null,
): Promise<MatchCandidate[]> {
  return orm.em.fork().execute<MatchCandidate[]>(
    `select id, workspace_id as "workspaceId", email, phone, phone_consent as "phoneConsent", user_id as "userId"
     from invitations
     where status in ('registered', 'pending') and (email_key = ? or phone = ?) and (?::text is null or workspace_id = ?)
     order by created_at, id`,
    [contact.email ? emailKey(contact.email) : null, contact.phone ?? null, workspaceId, workspaceId],
  );
}
