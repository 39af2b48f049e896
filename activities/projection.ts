import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { emailKey, personKeys } from '../domain/contact';
import { isOpen, lastEvent, type AcceptMethod, type InvitationState } from '../domain/invitation';
import { invitationView } from '../domain/invitation-view';
import { invitationWebhookType } from '../domain/webhook-events';
import { invitationTransitions } from '../runtime/metrics';
import { databaseFailure } from './database-failure';
import { enqueueWebhookEvents, type WebhookEvent } from './webhook-outbox';

/** Moves the projection forward only: a late or repeated write of an older version changes nothing. */
const upsertInvitationSql = `
insert into invitations (id, workspace_id, status, email, email_key, phone, name, user_id, phone_consent, roles, groups,
  channels, inviter, locale, send_count, last_sent_at, expires_at, created_at, accepted_at, accepted_by, erased_at,
  version, updated_at)
values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())
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
insert into members (workspace_id, user_id, roles, groups, status, joined_via, invitation_id, joined_at)
values (?, ?, ?::jsonb, ?::jsonb, 'active', ?, ?, ?)
on conflict (workspace_id, user_id) do nothing`;

/** How the acceptance of an accepted state happened: the link, unless a registration matched a contact. */
function acceptMethodOf(state: InvitationState): AcceptMethod {
  return [...state.events].reverse().find((event) => event.type === 'accepted')?.method ?? 'link';
}

const joinedVia = (method: AcceptMethod) => (method === 'link' ? 'invitation' : 'match');

/**
 * Erasure reaches what the projection copied: the claims keyed by the
 * person's email and phone, and the invitee in queued webhooks and in
 * answers kept for Idempotency-Key replays.
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
}

/** Writes the state and its history; answers the types of the events recorded now, not before. */
async function upsertProjection(em: EntityManager, state: InvitationState): Promise<string[]> {
  const { invitee } = state;
  await em.execute(upsertInvitationSql, [
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
  ]);
  const values = state.events.map(() => '(?, ?, ?, ?, ?, ?, ?, ?)').join(', ');
  const recorded = await em.execute<{ type: string }[]>(
    `insert into invitation_events (invitation_id, seq, type, at, by, detail, message_id, method)
     values ${values} on conflict do nothing returning type`,
    state.events.flatMap((event) => [
      state.id,
      event.seq,
      event.type,
      event.at,
      event.by,
      event.detail ?? null,
      event.messageId ?? null,
      event.method ?? null,
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
      workspaceId: state.workspaceId,
      timestamp: event.at,
      data: {
        invitation: view,
        sequence: event.seq,
        ...(event.type === 'accepted' && { method: event.method ?? 'link' }),
      },
    },
  ];
  if (event.type === 'accepted' && state.acceptedBy) {
    announced.push({
      type: 'member.joined',
      key: `${state.id}#${event.seq}#member`,
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

/**
 * An invitation holds its person's place while open and frees it when it
 * ends; a resend of an expired one takes the place back if it is still free.
 * Only the state the projection now holds may change claims, never a late
 * write of an older one.
 */
async function updateClaims(em: EntityManager, state: InvitationState): Promise<void> {
  const current = 'exists (select 1 from invitations where id = ? and version = ?)';
  if (!isOpen(state.status)) {
    await em.execute(`delete from open_invitations where invitation_id = ? and ${current}`, [
      state.id,
      state.id,
      state.events.length,
    ]);
    return;
  }
  const keys = personKeys(state.invitee);
  if (keys.length === 0) return;
  await em.execute(
    `insert into open_invitations (workspace_id, person_key, invitation_id)
     select ?, person.key, ? from (values ${keys.map(() => '(?)').join(', ')}) as person (key) where ${current}
     on conflict do nothing`,
    [state.workspaceId, state.id, ...keys, state.id, state.events.length],
  );
}

async function writeState(em: EntityManager, invitation: InvitationState, recorded: string[]): Promise<string[]> {
  recorded.push(...(await upsertProjection(em, invitation)));
  if (lastEvent(invitation).type === 'erased') await scrubErasedInvitee(em, invitation);
  await updateClaims(em, invitation);
  if (invitation.status === 'accepted' && invitation.acceptedBy) {
    await em.execute(insertMemberSql, [
      invitation.workspaceId,
      invitation.acceptedBy,
      JSON.stringify(invitation.roles),
      JSON.stringify(invitation.groups),
      joinedVia(acceptMethodOf(invitation)),
      invitation.id,
      invitation.acceptedAt,
    ]);
  }
  return enqueueWebhookEvents(em, announcedEvents(invitation));
}

/**
 * Records states of one invitation, oldest first, in one transaction:
 * projection, history, claims, membership and the webhook outbox.
 */
export async function writeTransition(orm: MikroORM, ...states: InvitationState[]): Promise<string[]> {
  const recorded: string[] = [];
  const deliveryIds = await orm.em.fork().transactional(async (em) => {
    const ids: string[] = [];
    for (const state of states) ids.push(...(await writeState(em, state, recorded)));
    return ids;
  });
  // Counted once committed, and only events new to the projection: a repeated write counts nothing.
  for (const type of recorded) invitationTransitions.inc({ type });
  return deliveryIds;
}

export interface RecordTransitionInput {
  invitation: InvitationState;
  /** States the invitation went through before `invitation` and not yet recorded, oldest first. */
  earlier?: InvitationState[];
}

export interface ProjectionDependencies {
  orm: MikroORM;
  startWebhookDeliveries(deliveryIds: string[]): Promise<void>;
}

export function createProjectionActivities(deps: ProjectionDependencies) {
  return {
    /**
     * Records one state of an invitation, after the `earlier` states it went
     * through if any: projection, history, membership and the webhook outbox
     * in one transaction, then starts the deliveries.
     * Safe to repeat: every write is keyed by the invitation's version.
     */
    async recordTransition({ invitation, earlier = [] }: RecordTransitionInput): Promise<void> {
      const deliveryIds = await writeTransition(deps.orm, ...earlier, invitation).catch((error: unknown) => {
        throw databaseFailure('recording the invitation', 'projection_failed', error);
      });
      await deps.startWebhookDeliveries(deliveryIds);
    },
  };
}
