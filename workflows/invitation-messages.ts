import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { AcceptMethod, DeliveryOutcome, InvitationState, MessageRef } from '../domain/invitation';

/**
 * What an invitation's run is started with and answers to: its input, its
 * updates and its query. The API, the plugin and activities import these,
 * never the workflow itself.
 */
/** The name runs are started by: the workflow's own code stays out of the processes that start it. */
export const invitationWorkflowType = 'invitationWorkflow';

export interface InvitationWorkflowInput {
  /**
   * The state the run starts in, which its search attributes were started
   * with: opened by its starter (created, then sent or requested, by
   * domain/new-invitation.ts) or carried over by continue-as-new.
   */
  invitation: InvitationState;
  /**
   * Present when the run must still record its opening and deliver its first
   * messages (a create): `earlier` holds the states before `invitation`,
   * oldest first, recorded with it in one write. A bulk import records and
   * delivers its rows before it starts their runs, and a continued run has
   * nothing new to record: both leave it out.
   */
  opening?: { earlier: InvitationState[] };
}

// Updates, not signals: the HTTP caller waits for the answer, and validators
// refuse what the state forbids before anything is written to history.
export const sendUpdate = defineUpdate<InvitationState, [{ by?: string }]>('send');
export const resendUpdate = defineUpdate<InvitationState, [{ by?: string }]>('resend');
export const acceptUpdate = defineUpdate<InvitationState, [{ userId: string; method?: AcceptMethod }]>('accept');
export const declineUpdate = defineUpdate<InvitationState, [{ by?: string }]>('decline');
export const revokeUpdate = defineUpdate<InvitationState, [{ by?: string }]>('revoke');
export const eraseUpdate = defineUpdate<InvitationState, [{ by?: string }]>('erase');
export const approveUpdate = defineUpdate<InvitationState, [{ by?: string; grantable: string[] }]>('approve');
export const rejectUpdate = defineUpdate<InvitationState, [{ by?: string }]>('reject');
export const changeUpdate = defineUpdate<InvitationState, [{ roles?: string[]; groups?: string[]; by?: string }]>(
  'change',
);
/** A provider's status report on one message, e.g. Twilio's callback for an SMS. */
export interface DeliveryReport extends DeliveryOutcome {
  /** Which message it was, so a failure of the latest can fall back to another channel. */
  message: MessageRef;
}
export const reportDeliveryUpdate = defineUpdate<InvitationState, [DeliveryReport]>('reportDelivery');
/** Completes once the invitation is recorded, so the creator can read its own write. */
export const openedUpdate = defineUpdate<InvitationState, []>('opened');
export const stateQuery = defineQuery<InvitationState>('state');
