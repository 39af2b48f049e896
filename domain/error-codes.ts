/**
 * The stable problem codes clients match on. Each maps to one HTTP status;
 * the API turns them into problem+json once, in api/problem.ts.
 */
export const errorCodes = {
  validation_failed: 422,
  malformed_request: 400,
  payload_too_large: 413,
  headers_too_large: 431,
  unauthorized: 401,
  forbidden: 403,
  inviter_not_allowed: 403,
  role_not_grantable: 403,
  unknown_role: 422,
  channel_unavailable: 422,
  template_invalid: 422,
  template_not_found: 404,
  workspace_not_found: 404,
  invitation_not_found: 404,
  member_not_found: 404,
  invite_link_not_found: 404,
  webhook_endpoint_not_found: 404,
  webhook_delivery_not_found: 404,
  webhook_target_not_allowed: 422,
  webhook_endpoint_disabled: 409,
  webhook_delivery_in_progress: 409,
  invalid_token: 404,
  invalid_code: 404,
  /** A shareable link's token that is wrong, disabled, expired, used up or rotated: one answer for all. */
  invalid_link: 404,
  email_domain_not_allowed: 403,
  /** The workspace has no `linkUrl`, so its invite links have no URL to draw. */
  link_url_not_set: 409,
  invitation_not_sent: 409,
  invitation_already_sent: 409,
  invitation_already_accepted: 409,
  invitation_declined: 409,
  invitation_revoked: 409,
  invitation_expired: 409,
  invitation_closed: 409,
  invitation_not_requested: 409,
  resend_too_soon: 429,
  /** The run's own timers only: an expiry or a reminder asked for before its time. */
  not_due: 409,
  too_many_attempts: 429,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_key_reused: 422,
  wrong_account: 403,
  email_mismatch: 403,
  already_member: 409,
  already_invited: 409,
  seat_limit_reached: 409,
  /** A daily cap on new invitations (per inviter, or the workspace's): Retry-After says when one more may be made. */
  invitation_cap_reached: 429,
  open_invitations_cap_reached: 409,
  /** The address bounced for good or complained in this workspace: a new invitation to it needs `force`. */
  address_suppressed: 422,
  idempotency_key_in_use: 409,
  unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;

export const errorCodeList = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

/** A broken business rule: carries the stable code the API answers with. */
export class RuleViolation extends Error {
  override readonly name = 'RuleViolation';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The request field at fault, when there is one (JSON pointer style, e.g. `/roles/0`). */
    readonly field?: string,
    /** For a refusal that lifts with time: how many seconds until the same request can succeed. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCodes, value);
}
