import { z } from 'zod';
import { membershipInputSchema } from './membership';
import { emailAddress, jsonValue, trimmedText } from './text';
import { HOUR, DAY, parseDuration } from './duration';
import { isPhoneCountry, normalisePhone, phoneCountries } from './contact';
import { invitationStatuses } from './invitation';
import { channelSchema } from './workspace';

/** Limits on a per-invitation `expiresIn`, so a typo cannot make a link live for years. */
export const minInvitationTtl = HOUR;
export const maxInvitationTtl = 90 * DAY;

const phoneText = trimmedText(1, 50);

/** The country a phone written in national form is read in. */
export const phoneCountrySchema = z
  .string()
  .trim()
  .toUpperCase()
  .refine(isPhoneCountry, { message: 'must be a two-letter country code such as "ES"' })
  .meta({ enum: phoneCountries.flatMap((country) => [country, country.toLowerCase()]) })
  .optional();

/**
 * The fields of an object with a `phone`, that number in E.164: read in
 * `phoneCountry` when given (national forms), else international forms only.
 * An invalid number is an issue at `phone`.
 */
export function withE164Phone<T extends { phone?: string; phoneCountry?: string }>(
  value: T,
  ctx: z.RefinementCtx,
): Omit<T, 'phoneCountry'> {
  const { phoneCountry, ...rest } = value;
  if (rest.phone === undefined) return rest;
  const e164 = normalisePhone(
    rest.phone,
    phoneCountry !== undefined && isPhoneCountry(phoneCountry) ? phoneCountry : undefined,
  );
  if (!e164) {
    const message = phoneCountry
      ? `must be a valid phone number, international or national to ${phoneCountry}`
      : 'must be a valid international phone number, e.g. +33612345678';
    ctx.addIssue({ code: 'custom', path: ['phone'], message });
    return z.NEVER;
  }
  return { ...rest, phone: e164 };
}

/** A phone and, for a number in national form, its country; parsed into `phone` in E.164. */
export const phoneFields = { phone: phoneText.optional(), phoneCountry: phoneCountrySchema };

export const roleList = z.array(trimmedText(1, 64)).max(32);
export const groupList = z.array(trimmedText(1, 100)).max(100);

export const inviteeSchema = z
  .object({
    email: emailAddress.optional(),
    ...phoneFields,
    name: trimmedText(1, 200).optional(),
    userId: trimmedText(1, 200).optional(),
    /** The invitee agreed that their number be used to reach them and to recognise them when they sign up. */
    phoneConsent: z.boolean().optional(),
  })
  // What the checks of createInvitationSchema refuse, stated for the document.
  .meta({
    anyOf: [{ required: ['email'] }, { required: ['phone'] }, { required: ['userId'] }],
    dependentRequired: { phone: ['phoneConsent'] },
    dependentSchemas: { phone: { properties: { phoneConsent: { const: true } } } },
  })
  .transform(withE164Phone);

export const inviterSchema = z.object({
  userId: trimmedText(1, 200),
  roles: roleList,
  name: trimmedText(1, 200).optional(),
});

export const createInvitationSchema = z
  .object({
    invitee: inviteeSchema,
    roles: roleList.min(1).optional(),
    groups: groupList.default([]),
    channels: z.array(channelSchema).optional(),
    inviter: inviterSchema,
    send: z.boolean().default(true),
    expiresIn: z
      .string()
      .trim()
      .refine(
        (text) => {
          const value = parseDuration(text);
          return value !== undefined && value >= minInvitationTtl && value <= maxInvitationTtl;
        },
        { message: 'must be a duration between "1h" and "90d"' },
      )
      .optional(),
    locale: trimmedText(2, 16).optional(),
    membership: membershipInputSchema.optional(),
    force: z
      .boolean()
      .optional()
      .describe('Invites an address this workspace suppressed after it bounced for good or complained'),
  })
  .superRefine((input, ctx) => {
    const { email, phone, userId } = input.invitee;
    if (!email && !phone && !userId) {
      ctx.addIssue({ code: 'custom', path: ['invitee'], message: 'needs at least one of email, phone or userId' });
    }
    if (phone && input.invitee.phoneConsent !== true) {
      ctx.addIssue({
        code: 'custom',
        path: ['invitee', 'phoneConsent'],
        message: 'must be true to store a phone number: the invitee agreed to its use',
      });
    }
    if (input.channels?.includes('email') && !email) {
      ctx.addIssue({ code: 'custom', path: ['invitee', 'email'], message: 'is required to send by email' });
    }
    if (input.channels?.includes('sms') && !phone) {
      ctx.addIssue({ code: 'custom', path: ['invitee', 'phone'], message: 'is required to send by SMS' });
    }
  });

export type CreateInvitationInput = z.infer<typeof createInvitationSchema>;

export const acceptInvitationSchema = z.object({
  token: z.string().min(1).max(512),
  userId: trimmedText(1, 200),
  /** The accepting user's email, as the host verified it; compared when the workspace requires a match. */
  email: emailAddress.optional(),
  profile: z.record(z.string(), jsonValue).optional(),
});

export const declineInvitationSchema = z.object({
  token: z.string().min(1).max(512),
  /** The declining user, when signed in; an invitation made for an account can only be declined by it. */
  userId: trimmedText(1, 200).optional(),
});

/** send, resend and revoke: who did it, when the host knows. */
export const invitationActionSchema = z.object({
  by: trimmedText(1, 200).optional(),
});

/** approve and reject: the approver must hold an inviter role, as an inviter must. */
export const invitationDecisionSchema = z.object({
  approver: inviterSchema,
});

/** A change of roles is a decision to grant them: it names who makes it, held to the inviting policy. */
export const changeInvitationSchema = z
  .object({
    roles: roleList.min(1).optional(),
    groups: groupList.optional(),
    changer: inviterSchema.optional(),
    by: trimmedText(1, 200).optional(),
  })
  .refine((input) => input.roles !== undefined || input.groups !== undefined, {
    message: 'needs roles or groups, or both',
  })
  .refine((input) => input.roles === undefined || input.changer !== undefined, {
    message: 'a change of roles names who makes it',
    path: ['changer'],
  })
  .meta({ anyOf: [{ required: ['roles'] }, { required: ['groups'] }], dependentRequired: { roles: ['changer'] } });

/** `email` and `phone` find one person's invitations: what support needs when someone says theirs never came. */
export const listInvitationsQueryFields = z.object({
  status: z.enum(invitationStatuses).optional(),
  email: emailAddress.optional(),
  ...phoneFields,
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const listInvitationsQuerySchema = listInvitationsQueryFields.transform(withE164Phone);

export const lookupInvitationQuerySchema = z.object({
  token: z.string().min(1).max(512),
});
