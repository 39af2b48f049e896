import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { emailKey, personKeys } from '../domain/contact';
import { isOpen, lastEvent, type AcceptMethod, type InvitationState } from '../domain/invitation';
import { invitationView } from '../domain/invitation-view';
import { membershipEnd } from '../domain/membership';
import { invitationWebhookType } from '../domain/webhook-events';
import { invitationTransitions } from '../runtime/metrics';
import { enqueueWebhookEvents, type EndpointsToWake, type WebhookEvent } from './webhook-outbox';

const projectedColumns = `id, workspace_id, status, email, email_key, phone, name, user_id, phone_consent, roles,
  groups, channels, inviter, locale, send_count, last_sent_at, expires_at, created_at, accepted_at, accepted_by,
  erased_at, version`;
const projectedValues =
  '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())';

/** Moves the projection forward only: a late or repeated write of an older version changes nothing. */
const upsertInvitationsSql = (rows: number) => `
insert into invitations (${projectedColumns}, updated_at)
values ${Array(rows).fill(projectedValues).join(', ')}
on conflict (id) do update set
  status = excluded.status, email = excluded.email, email_key = excluded.email_key, phone = excluded.phone,
  name = excluded.name, user_id = excluded.user_id, phone_consent = excluded.phone_consent, roles = excluded.roles,
  groups = excluded.groups, erased_at = excluded.erased_at,
  channels = excluded.channels, inviter = excluded.inviter, locale = excluded.locale,
  send_count = excluded.send_count, last_sent_at = excluded.last_sent_at, expires_at = excluded.expires_at,
  accepted_at = excluded.accepted_at, accepted_by = excluded.accepted_by, version = excluded.version,
  updated_at = now()
where invitations.version < excluded.version`;

const insertMemberSql = `
insert into members (workspace_id, user_id, roles, groups, status, joined_via, invitation_id, joined_at, expires_at,
  sponsor_id)
values (?, ?, ?::jsonb, ?::jsonb, 'active', ?, ?, ?, ?, ?)
on conflict (workspace_id, user_id) do nothing`;

/** How the acceptance of an accepted state happened: the link, unless a registration matched a contact. */
function acceptMethodOf(state: InvitationState): AcceptMethod {
  return [...state.events].reverse().find((event) => event.type === 'accepted')?.method ?? 'link';
}

const joinedVia = (method: AcceptMethod) => (method === 'link' ? 'invitation' : 'match');

/**
 * Erasure reaches what the projection copied: the claims keyed by the
 * person's email and phone, the invitee in queued webhooks and in answers
 * kept for Idempotency-Key replays, and the rows of bulk imports that named
 * them (the one that made the invitation, and any refused as already
 * invited to it), in the import's stored answer too.
 */
async function scrubErasedInvitee(em: EntityManager, state: InvitationState): Promise<void> {
  const invitee = JSON.stringify(state.invitee);
  await em.execute(
    `delete from open_invitations where invitation_id = ? and (person_key like 'email:%' or person_key like 'phone:%')`,
    [state.id],
  );
  await em.execute(
    `update webhook_deliveries set payload = jsonb_set(payload, '{data,invitation,invitee}', ?::jsonb)
     where payload #>> '{data,invitation,id}' = ?`,
    [invitee, state.id],
  );
  await em.execute(
    `update idempotency_keys set response_body = jsonb_set(response_body, '{invitee}', ?::jsonb)
     where response_body #>> '{id}' = ?`,
    [invitee, state.id],
  );
  await em.execute(
    `update idempotency_keys set response_body = jsonb_set(response_body, '{invitation,invitee}', ?::jsonb)
     where response_body #>> '{invitation,id}' = ?`,
    [invitee, state.id],
  );
  await em.execute(
    `with erased as (
       update bulk_rows set email = null, phone = null, name = null where invitation_id = ? returning bulk_id, line
     )
     update idempotency_keys stored set response_body = jsonb_set(stored.response_body, '{rows}', (
       select jsonb_agg(
         case when exists (
           select 1 from erased where erased.bulk_id = stored.response_body ->> 'id' and erased.line = (row_answer ->> 'line')::int
         ) then row_answer || '{"email": null, "phone": null}'::jsonb else row_answer end
         order by position)
       from jsonb_array_elements(stored.response_body -> 'rows') with ordinality as answer (row_answer, position)
     ))
     where stored.response_body ->> 'id' in (select bulk_id from erased) and jsonb_typeof(stored.response_body -> 'rows') = 'array'`,
    [state.id],
  );
}

function projectedRow(state: InvitationState): unknown[] {
  const { invitee } = state;
  return [
    state.id,
    state.workspaceId,
    state.status,
    invitee.email,
    invitee.email ? emailKey(invitee.email) : null,
    invitee.phone,
    invitee.name,
    invitee.userId,
    invitee.phoneConsent ?? false,
    JSON.stringify(state.roles),
    JSON.stringify(state.groups),
    JSON.stringify(state.channels),
    JSON.stringify(state.inviter),
    state.locale,
    state.sendCount,
    state.lastSentAt,
    state.expiresAt,
    state.createdAt,
    state.acceptedAt,
    state.acceptedBy,
    state.erasedAt ?? null,
    state.events.length,
  ];
}

/** Writes the states and their histories; answers the types of the events recorded now, not before. */
async function upsertProjection(em: EntityManager, states: InvitationState[]): Promise<string[]> {
  await em.execute(upsertInvitationsSql(states.length), states.flatMap(projectedRow));
  const events = states.flatMap((state) => state.events.map((event) => ({ id: state.id, event })));
  const values = events.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const recorded = await em.execute<{ type: string }[]>(
    `insert into invitation_events (invitation_id, seq, type, at, by, detail, message_id, method, bounce_type, complaint)
     values ${values} on conflict do nothing returning type`,
    events.flatMap(({ id, event }) => [
      id,
      event.seq,
      event.type,
      event.at,
      event.by,
      event.detail ?? null,
      event.messageId ?? null,
      event.method ?? null,
      event.bounceType ?? null,
      event.complaint ?? null,
    ]),
  );
  return recorded.map((event) => event.type);
}

/** The webhook events one recorded state announces: its latest invitation event, and a new member on acceptance. */
function announcedEvents(state: InvitationState): WebhookEvent[] {
  const event = state.events.at(-1);
  if (!event) return [];
  const view = invitationView(state);
  const announced: WebhookEvent[] = [
    {
      type: invitationWebhookType(event.type),
      key: `${state.id}#${event.seq}`,
      orderingKey: state.id,
      workspaceId: state.workspaceId,
      timestamp: event.at,
      data: {
        invitation: view,
        sequence: event.seq,
        ...(event.type === 'accepted' && { method: event.method ?? 'link' }),
        ...(event.bounceType && { bounceType: event.bounceType }),
        ...(event.complaint && { complaint: true }),
      },
    },
  ];
  if (event.type === 'accepted' && state.acceptedBy) {
    announced.push({
      type: 'member.joined',
      key: `${state.id}#${event.seq}#member`,
      orderingKey: `${state.workspaceId}:${state.acceptedBy}`,
      workspaceId: state.workspaceId,
      timestamp: event.at,
      data: {
        member: {
          workspaceId: state.workspaceId,
          userId: state.acceptedBy,
          roles: state.roles,
          groups: state.groups,
          status: 'active',
          joinedVia: joinedVia(acceptMethodOf(state)),
          joinedAt: event.at,
        },
        invitationId: state.id,
      },
    });
  }
  return announced;
}

/** `(id, version)` pairs as a derived table that joins the projection at exactly those versions. */
function atVersions(states: InvitationState[]): { sql: string; params: unknown[] } {
  return {
    sql: `(values ${states.map(() => '(?::text, ?::int)').join(', ')}) as state (id, version)
      join invitations current on current.id = state.id and current.version = state.version`,
    params: states.flatMap((state) => [state.id, state.events.length]),
  };
}

/**
 * An invitation holds its person's place while open and frees it when it
 * ends; a resend of an expired one takes the place back if it is still free.
 * Only the state the projection now holds may change claims, never a late
 * write of an older one.
 */
async function updateClaims(em: EntityManager, states: InvitationState[]): Promise<void> {
  const closed = states.filter((state) => !isOpen(state.status));
  if (closed.length > 0) {
    const current = atVersions(closed);
    await em.execute(
      `delete from open_invitations claim using ${current.sql} where claim.invitation_id = state.id`,
      current.params,
    );
  }
  const claims = states
    .filter((state) => isOpen(state.status))
    .flatMap((state) => personKeys(state.invitee).map((key) => ({ state, key })));
  if (claims.length === 0) return;
  await em.execute(
    `insert into open_invitations (workspace_id, person_key, invitation_id)
     select person.workspace_id, person.key, person.id
     from (values ${claims.map(() => '(?::text, ?::text, ?::text, ?::int)').join(', ')})
       as person (workspace_id, key, id, version)
     join invitations current on current.id = person.id and current.version = person.version
     on conflict do nothing`,
    claims.flatMap(({ state, key }) => [state.workspaceId, key, state.id, state.events.length]),
  );
}

async function insertMembers(em: EntityManager, states: InvitationState[]): Promise<void> {
  for (const invitation of states) {
    if (invitation.status !== 'accepted' || !invitation.acceptedBy) continue;
    await em.execute(insertMemberSql, [
      invitation.workspaceId,
      invitation.acceptedBy,
      JSON.stringify(invitation.roles),
      JSON.stringify(invitation.groups),
      joinedVia(acceptMethodOf(invitation)),
      invitation.id,
      invitation.acceptedAt,
      invitation.membership ? membershipEnd(invitation.membership, invitation.acceptedAt!) : null,
      invitation.membership?.sponsor ?? null,
    ]);
  }
}

/**
 * Records invitations in one transaction, each as its latest state after the
 * states it went through (oldest first, every one announced): projection,
 * history, claims, membership and the webhook outbox. The projection, the
 * history, the claims and the outbox take the same few statements for a
 * batch of a thousand as for one; memberships and erasures one each.
 */
export async function writeTransitions(orm: MikroORM, invitations: InvitationState[][]): Promise<EndpointsToWake> {
  const latest = invitations.flatMap((states) => states.slice(-1));
  if (latest.length === 0) return [];
  const recorded: string[] = [];
  const toWake = await orm.em.fork().transactional(async (em) => {
    recorded.push(...(await upsertProjection(em, latest)));
    for (const state of invitations.flat()) {
      if (lastEvent(state).type === 'erased') await scrubErasedInvitee(em, state);
    }
    await updateClaims(em, latest);
    await insertMembers(em, latest);
    return enqueueWebhookEvents(em, invitations.flat().flatMap(announcedEvents));
  });
  // Counted once committed, and only events new to the projection: a repeated write counts nothing.
  for (const type of recorded) invitationTransitions.inc({ type });
  return toWake;
}

/** Records the states of one invitation, oldest first, in one transaction. */
export function writeTransition(orm: MikroORM, ...states: InvitationState[]): Promise<EndpointsToWake> {
  return writeTransitions(orm, [states]);
}
