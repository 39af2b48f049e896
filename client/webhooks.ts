import { Webhook, WebhookVerificationError as SignatureError } from 'standardwebhooks';
import type { BulkProgress, BulkStatus } from '../domain/bulk';
import type { AcceptMethod } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import type { MemberChanges, MemberView } from '../domain/member';
import { webhookEventTypes, type WebhookEndpointView, type WebhookEventType } from '../domain/webhook-events';

type InvitationEventType = Extract<WebhookEventType, `invitation.${string}`> | 'invitee.erased';

/** What each event type carries under `data`. */
export interface WebhookEventData extends Record<
  InvitationEventType,
  { invitation: InvitationView; sequence: number; method?: AcceptMethod }
> {
  'member.joined': { member: MemberView; invitationId?: string; link?: { id: string } };
  'member.updated': { member: MemberView; changes: MemberChanges };
  'member.removed': { member: MemberView };
  /** A guest membership ends at `member.expiresAt`, the workspace's `membershipExpiryWarning` from now. */
  'member.expiring': { member: MemberView };
  /** A guest membership ended: the member is disabled. */
  'member.expired': { member: MemberView };
  'bulk.completed': { bulk: BulkProgress & { id: string; workspaceId: string; status: BulkStatus } };
  'endpoint.disabled': { endpoint: WebhookEndpointView; reason: string };
}

/** A verified webhook, in the Standard Webhooks payload shape; `type` tells what `data` holds. */
export type WebhookEvent = {
  [Type in WebhookEventType]: { type: Type; timestamp: string; data: WebhookEventData[Type] };
}[WebhookEventType];

export type WebhookVerificationReason = 'missing_headers' | 'bad_signature' | 'stale_timestamp' | 'malformed_payload';

/** A webhook that did not verify: answer it with a 4xx and do not act on it. */
export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';

  constructor(
    readonly reason: WebhookVerificationReason,
    message: string,
  ) {
    super(message);
  }
}

/** Node's `req.headers`, a fetch `Headers`, or a plain record. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function headerRecord(headers: WebhookHeaders): Record<string, string> {
  const entries = headers instanceof Headers ? [...headers.entries()] : Object.entries(headers);
  const record: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value !== undefined) record[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value;
  }
  return record;
}

function reasonOf(message: string): WebhookVerificationReason {
  if (/missing/i.test(message)) return 'missing_headers';
  if (/timestamp/i.test(message)) return 'stale_timestamp';
  return 'bad_signature';
}

const knownTypes: ReadonlySet<string> = new Set(webhookEventTypes);

/**
 * Checks an inviteflow webhook's Standard Webhooks signature over the raw
 * body, as received (not re-serialised JSON), and its timestamp (5 minutes
 * either way), and answers the event. Any of the signatures in
 * `webhook-signature` will do, so deliveries signed with both the old and
 * the new secret during a rotation verify with either.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string): WebhookEvent {
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  let payload: unknown;
  try {
    payload = new Webhook(secret).verify(body, headerRecord(headers));
  } catch (error) {
    if (error instanceof SignatureError) throw new WebhookVerificationError(reasonOf(error.message), error.message);
    if (error instanceof SyntaxError) throw new WebhookVerificationError('malformed_payload', 'the body is not JSON');
    throw error;
  }
  const event = payload as Partial<Record<'type' | 'timestamp' | 'data', unknown>> | null;
  if (
    typeof event?.type !== 'string' ||
    !knownTypes.has(event.type) ||
    typeof event.timestamp !== 'string' ||
    typeof event.data !== 'object' ||
    event.data === null
  ) {
    throw new WebhookVerificationError('malformed_payload', 'not an inviteflow event: {type, timestamp, data}');
  }
  return event as WebhookEvent;
}
