import { EntitySchema, type PrimaryKeyProp } from '@mikro-orm/core';
import type { AcceptMethod, InvitationEventType } from '../../domain/invitation';

export interface InvitationEventRow {
  [PrimaryKeyProp]?: ['invitationId', 'seq'];
  invitationId: string;
  /** Position in the invitation's history, from 1. */
  seq: number;
  type: InvitationEventType;
  at: Date;
  by: string | null;
  /** The channel, and what failed for `delivery_failed`. */
  detail: string | null;
  /** The provider's message id, on events from a provider's delivery report. */
  messageId: string | null;
  /** How an `accepted` invitation was accepted. */
  method: AcceptMethod | null;
}

export const InvitationEventSchema = new EntitySchema<InvitationEventRow>({
  name: 'InvitationEvent',
  tableName: 'invitation_events',
  properties: {
    invitationId: { type: 'text', primary: true },
    seq: { type: 'integer', primary: true },
    type: { type: 'text' },
    at: { type: 'datetime' },
    by: { type: 'text', nullable: true },
    detail: { type: 'text', nullable: true },
    messageId: { type: 'text', nullable: true },
    method: { type: 'text', nullable: true },
  },
});
