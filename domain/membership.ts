import { z } from 'zod';
import { parseDuration } from './duration';
import { trimmedText } from './text';
import { timestampSchema } from './timestamp';

/** What an invitation grants beyond its roles: a membership that ends, and who answers for it. */
export interface MembershipTerms {
  /** When it ends, when the invitation fixed a date. */
  expiresAt: string | null;
  /** How long it lasts from the acceptance, when the invitation gave a duration. */
  expiresInMs: number | null;
  /** Who answers for the guest: the inviter unless the invitation names someone. */
  sponsor: string;
}

export const membershipInputSchema = z
  .object({
    expiresIn: z
      .string()
      .trim()
      .refine((text) => parseDuration(text) !== undefined, { message: 'must be a duration such as "30d" or "12h"' })
      .optional(),
    expiresAt: timestampSchema.optional(),
    sponsor: trimmedText(1, 200).optional().describe('The member who answers for the guest; the inviter by default'),
  })
  .refine((input) => (input.expiresIn === undefined) !== (input.expiresAt === undefined), {
    message: 'needs exactly one of expiresIn or expiresAt',
  })
  .meta({ oneOf: [{ required: ['expiresIn'] }, { required: ['expiresAt'] }] })
  .describe('A membership that ends: it lasts `expiresIn` from the acceptance, or until `expiresAt`');

export type MembershipInput = z.infer<typeof membershipInputSchema>;

export function membershipTerms(input: MembershipInput, inviterId: string): MembershipTerms {
  return {
    expiresAt: input.expiresAt ?? null,
    expiresInMs: input.expiresIn === undefined ? null : (parseDuration(input.expiresIn) ?? null),
    sponsor: input.sponsor ?? inviterId,
  };
}

/** When a membership accepted at `acceptedAt` ends. */
export function membershipEnd(terms: MembershipTerms, acceptedAt: string): string {
  return terms.expiresAt ?? new Date(Date.parse(acceptedAt) + (terms.expiresInMs ?? 0)).toISOString();
}

/** The membership workflow's id: one per member of a workspace. */
export const membershipWorkflowId = (workspaceId: string, userId: string) => `membership:${workspaceId}:${userId}`;

/** One step of a guest membership's end, for the member whose membership ends at `expiresAt`. */
export interface MembershipStep {
  workspaceId: string;
  userId: string;
  /** The end the step is for: a member whose end changed since is left alone. */
  expiresAt: string;
}
