/** `inviteflow/client`: what a host's backend needs to drive inviteflow and trust its webhooks. */
export { InviteflowClient } from './client';
export { InviteflowError, isInviteflowError, type FieldError } from './errors';
export type { ClientSettings, RequestOptions } from './http';
export {
  verifyWebhook,
  WebhookVerificationError,
  type WebhookEvent,
  type WebhookEventData,
  type WebhookHeaders,
  type WebhookVerificationReason,
} from './webhooks';
export type { ErrorCode } from '../domain/error-codes';
export type { WebhookEventType } from '../domain/webhook-events';
export type * from './types';
