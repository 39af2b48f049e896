import { z } from 'zod';
import { trimmedText, emailAddress } from './text';
import { emailKey } from './contact';
import { errorCodeList } from './error-codes';
import { phoneFields, withE164Phone } from './invitation-input';
import type { AcceptMethod, Invitee } from './invitation';

/** A host telling inviteflow that a user signed up or verified a contact; only verified contacts match. */
export const registrationSchema = z
  .object({
    userId: trimmedText(1, 200),
    email: emailAddress.optional(),
    ...phoneFields,
    emailVerified: z.boolean().default(false),
    phoneVerified: z.boolean().default(false),
  })
  .meta({ anyOf: [{ required: ['email'] }, { required: ['phone'] }] })
  .transform(withE164Phone)
  .refine((input) => input.email !== undefined || input.phone !== undefined, {
    message: 'needs an email or a phone to match invitations with',
  });

export type Registration = z.infer<typeof registrationSchema>;

/** What a registration matched and accepted, and what it could not, with the code of the reason. */
export const registrationResultSchema = z
  .object({
    userId: z.string(),
    matched: z.array(
      z.object({ invitationId: z.string(), workspaceId: z.string(), method: z.enum(['phone_match', 'email_match']) }),
    ),
    skipped: z.array(z.object({ invitationId: z.string(), workspaceId: z.string(), code: z.enum(errorCodeList) })),
    domainJoins: z
      .array(
        z.object({
          workspaceId: z.string(),
          outcome: z.enum(['joined', 'requested', 'skipped']),
          invitationId: z.string().nullable().describe('The `requested` invitation, when one was made or was there'),
          code: z.enum(errorCodeList).nullable().describe('Why it was skipped'),
        }),
      )
      .describe("The workspaces whose `autoJoin` lists the verified email's domain, and what came of each"),
  })
  .meta({ id: 'RegistrationResult' });

export type RegistrationResult = z.infer<typeof registrationResultSchema>;

/**
 * How a registration matches an open invitation, if it does: by phone when
 * the invitee consented to its use and the host verified the number, by email
 * when the host verified the address (compared case-insensitively).
 */
export function matchMethod(
  invitee: Pick<Invitee, 'email' | 'phone' | 'phoneConsent'>,
  registration: Registration,
): Exclude<AcceptMethod, 'link'> | undefined {
  if (
    registration.phone !== undefined &&
    registration.phoneVerified &&
    invitee.phoneConsent === true &&
    invitee.phone === registration.phone
  ) {
    return 'phone_match';
  }
  if (
    registration.email !== undefined &&
    registration.emailVerified &&
    invitee.email !== null &&
    emailKey(invitee.email) === emailKey(registration.email)
  ) {
    return 'email_match';
  }
  return undefined;
}
