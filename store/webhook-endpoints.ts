import type { EntityManager } from '@mikro-orm/postgresql';
import { dateOrNull } from './rows';
import type { WebhookDisabledReason, WebhookEndpointFields, WebhookEventType } from '../domain/webhook-events';
import { joinClauses, type Clause } from './clauses';

/** A row of `webhook_endpoints` as `em.execute` returns it: jsonb parsed, timestamptz as text. */
interface WebhookEndpointRow {
  id: string;
  url: string;
  events: (WebhookEventType | '*')[];
  workspace_id: string | null;
  description: string | null;
  secret_ciphertext: string;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: WebhookDisabledReason | null;
  previous_secret_ciphertext: string | null;
  previous_secret_expires_at: string | null;
}

export interface WebhookEndpoint extends WebhookEndpointFields {
  events: (WebhookEventType | '*')[];
  disabledReason: WebhookDisabledReason | null;
  /** The `whsec_` signing secret, encrypted: unlike API keys it is needed back to sign. */
  secretCiphertext: string;
  /** The secret before the last rotation, encrypted; it still signs until `previousSecretExpiresAt`. */
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
}

const endpointColumns = `id, url, events, workspace_id, description, secret_ciphertext, created_at, disabled_at,
  disabled_reason, previous_secret_ciphertext, previous_secret_expires_at`;

function toEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    workspaceId: row.workspace_id,
    description: row.description,
    secretCiphertext: row.secret_ciphertext,
    createdAt: new Date(row.created_at),
    disabledAt: dateOrNull(row.disabled_at),
    disabledReason: row.disabled_reason,
    previousSecretCiphertext: row.previous_secret_ciphertext,
    previousSecretExpiresAt: dateOrNull(row.previous_secret_expires_at),
  };
}

async function updated(em: EntityManager, sets: Clause[], where: Clause): Promise<WebhookEndpoint | null> {
  const set = joinClauses(sets, ', ');
  const [row] = await em.execute<WebhookEndpointRow[]>(
    `update webhook_endpoints set ${set.sql} where ${where[0]} returning ${endpointColumns}`,
    [...set.params, ...where.slice(1)],
  );
  return row ? toEndpoint(row) : null;
}

export async function findEndpoint(em: EntityManager, id: string): Promise<WebhookEndpoint | null> {
  const [row] = await em.execute<WebhookEndpointRow[]>(
    `select ${endpointColumns} from webhook_endpoints where id = ?`,
    [id],
  );
  return row ? toEndpoint(row) : null;
}

/** Every endpoint, or those of `owner` (`null`: the platform-wide ones), oldest first. */
export async function listEndpoints(
  em: EntityManager,
  owner?: { workspaceId: string | null },
): Promise<WebhookEndpoint[]> {
  const rows = await em.execute<WebhookEndpointRow[]>(
    `select ${endpointColumns} from webhook_endpoints
     ${owner ? 'where workspace_id is not distinct from ?' : ''} order by created_at, id`,
    owner ? [owner.workspaceId] : [],
  );
  return rows.map(toEndpoint);
}

/** The endpoints that receive events: every one not disabled. */
export function activeEndpoints(
  em: EntityManager,
): Promise<{ id: string; workspace_id: string | null; events: (WebhookEventType | '*')[] }[]> {
  return em.execute('select id, workspace_id, events from webhook_endpoints where disabled_at is null');
}

export interface NewEndpoint {
  id: string;
  url: string;
  events: (WebhookEventType | '*')[];
  workspaceId: string | null;
  description: string | null;
  secretCiphertext: string;
}

export async function insertEndpoint(em: EntityManager, endpoint: NewEndpoint): Promise<WebhookEndpoint> {
  const [row] = await em.execute<WebhookEndpointRow[]>(
    `insert into webhook_endpoints (id, url, events, workspace_id, description, secret_ciphertext)
     values (?, ?, ?::jsonb, ?, ?, ?) returning ${endpointColumns}`,
    [
      endpoint.id,
      endpoint.url,
      JSON.stringify(endpoint.events),
      endpoint.workspaceId,
      endpoint.description,
      endpoint.secretCiphertext,
    ],
  );
  return toEndpoint(row!);
}

export interface EndpointPatch {
  url?: string;
  events?: (WebhookEventType | '*')[];
  description?: string | null;
  disabled?: boolean;
}

/** Applies a patch; disabling one already disabled keeps when and why it was. */
export async function updateEndpoint(
  em: EntityManager,
  id: string,
  patch: EndpointPatch,
): Promise<WebhookEndpoint | null> {
  const sets: (Clause | false)[] = [
    patch.url !== undefined && ['url = ?', patch.url],
    patch.events !== undefined && ['events = ?::jsonb', JSON.stringify(patch.events)],
    patch.description !== undefined && ['description = ?', patch.description],
    patch.disabled === false && ['disabled_at = null, disabled_reason = null'],
    patch.disabled === true && [
      `disabled_at = coalesce(disabled_at, now()),
       disabled_reason = case when disabled_at is null then 'manual' else disabled_reason end`,
    ],
  ];
  const given = sets.filter((set): set is Clause => set !== false);
  if (given.length === 0) return findEndpoint(em, id);
  return updated(em, given, ['id = ?', id]);
}

export async function deleteEndpoint(em: EntityManager, id: string): Promise<void> {
  await em.execute('delete from webhook_endpoints where id = ?', [id]);
}

/** Seals a new secret; the one it replaces keeps signing until `previousUntil`, or stops now when `null`. */
export async function rotateEndpointSecret(
  em: EntityManager,
  id: string,
  secretCiphertext: string,
  previousUntil: Date | null,
): Promise<WebhookEndpoint | null> {
  return updated(
    em,
    [
      [
        'previous_secret_ciphertext = case when ?::timestamptz is null then null else secret_ciphertext end',
        previousUntil,
      ],
      ['previous_secret_expires_at = ?::timestamptz', previousUntil],
      ['secret_ciphertext = ?', secretCiphertext],
    ],
    ['id = ?', id],
  );
}

/** Disables an endpoint that is not disabled yet; `null` when it already was (or is gone). */
export function disableEndpointRow(
  em: EntityManager,
  id: string,
  reason: WebhookDisabledReason,
  at: Date,
): Promise<WebhookEndpoint | null> {
  return updated(
    em,
    [
      ['disabled_at = ?', at],
      ['disabled_reason = ?', reason],
    ],
    ['id = ? and disabled_at is null', id],
  );
}

/**
 * Marks a disabled endpoint's dispatcher idle and fails what it had pending
 * (to be replayed once it is re-enabled). Inside the caller's transaction the
 * endpoint's row stays locked until both are done; `false` when it was
 * re-enabled first.
 */
export async function stopDisabled(em: EntityManager, id: string): Promise<boolean> {
  const stopped = await em.execute<{ id: string }[]>(
    'update webhook_endpoints set dispatcher_idle = true where id = ? and disabled_at is not null returning id',
    [id],
  );
  if (stopped.length === 0) return false;
  await em.execute(
    `update webhook_deliveries set status = 'failed', next_attempt_at = null where endpoint_id = ? and status = 'pending'`,
    [id],
  );
  return true;
}

/** Whether a dispatcher drains the endpoint's outbox; see `claimIdleEndpoints`. */
export async function markDispatcherIdle(em: EntityManager, id: string, idle: boolean): Promise<void> {
  await em.execute('update webhook_endpoints set dispatcher_idle = ? where id = ?', [idle, id]);
}

/** Endpoints with messages overdue by `overdue` (an interval): their dispatcher was presumably never woken. */
export async function stalledEndpoints(em: EntityManager, overdue: string): Promise<string[]> {
  const rows = await em.execute<{ id: string }[]>(
    `select endpoint.id from webhook_endpoints endpoint
     where endpoint.disabled_at is null and exists (
       select 1 from webhook_deliveries d
       where d.endpoint_id = endpoint.id and d.status = 'pending' and d.next_attempt_at < now() - ?::interval
     )`,
    [overdue],
  );
  return rows.map((row) => row.id);
}
