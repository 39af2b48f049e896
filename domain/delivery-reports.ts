import { z } from 'zod';

/** The query inviteflow puts on the status callback URL it gives Twilio (see activities/sms.ts). */
export const twilioCallbackQuerySchema = z.object({
  invitation: z.string().regex(/^inv_[A-Za-z0-9_-]{1,64}$/, 'must be an invitation id'),
  send: z.coerce.number().int().min(1),
  reminder: z.coerce.number().int().min(0),
});

/** The fields of Twilio's message status callback that matter here; Twilio sends many more. */
export const twilioStatusSchema = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'must be a message SID'),
  MessageStatus: z.string().min(1).max(32),
  ErrorCode: z
    .string()
    .regex(/^\d{1,10}$/, 'must be a Twilio error code')
    .optional(),
});

export type TwilioStatus = z.infer<typeof twilioStatusSchema>;

/**
 * What a Twilio status says of the message's fate: `undefined` while it is
 * on its way (queued, sending, sent), or for statuses that say nothing about
 * delivery to the phone (read receipts, a cancelled schedule).
 */
export function twilioOutcome({
  MessageStatus,
  ErrorCode,
}: TwilioStatus): { delivered: boolean; reason?: string } | undefined {
  switch (MessageStatus) {
    case 'delivered':
      return { delivered: true };
    case 'failed':
    case 'undelivered':
      return {
        delivered: false,
        reason: `Twilio reported the SMS ${MessageStatus}${ErrorCode ? ` (error ${ErrorCode})` : ''}`,
      };
    default:
      return undefined;
  }
}
