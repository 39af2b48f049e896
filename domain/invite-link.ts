import { createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { emailDomain } from './auto-join';
import { domainName } from './domain-name';
import { RuleViolation } from './error-codes';
import { groupList, roleList } from './invitation-input';
import { codeStatus, type CodeStatus } from './invitation-code';
import { pageOf } from './page';
import { emailAddress, trimmedText } from './text';
import { timestampSchema } from './timestamp';

/**
 * A shareable invite link: many people join with it, each with its roles
 * and groups, until it is used up, expires, is disabled or rotated. Its
 * token is a secret that joins whoever has it, so redemptions are capped
 * like wrong workspace codes.
 */
export interface InviteLink {
  id: string;
  workspaceId: string;
  token: string;
  roles: string[];
  groups: string[];
  maxUses: number | null;
  uses: number;
  expiresAt: Date;
  allowedEmailDomains: string[];
  disabled: boolean;
  createdAt: Date;
}

/** A link's token: 32 random bytes, so it is guessed only through the capped redemption. */
export const newLinkToken = () => randomBytes(32).toString('base64url');

/** What a token is looked up by: keyed, so the table alone finds no link. */
export const linkTokenHash = (secret: string, token: string) =>
  createHmac('sha256', secret).update(`invite-link:${token}`).digest('base64url');

const expiresAt = timestampSchema.transform((text) => new Date(text));
const maxUses = z.number().int().positive().max(1_000_000_000).nullable();
const allowedEmailDomains = z
  .array(domainName)
  .max(50)
  .describe('When set, only a user whose verified email is of one of these domains may join');

export const createInviteLinkSchema = z.object({
  roles: roleList.min(1).optional().describe("The workspace's `defaultRole` when left out"),
  groups: groupList.default([]),
  maxUses: maxUses.default(null),
  expiresAt: expiresAt.optional().describe('At most `linkTtlMax` from now, which is also when it expires if left out'),
  allowedEmailDomains: allowedEmailDomains.default([]),
});

export type CreateInviteLink = z.infer<typeof createInviteLinkSchema>;

export const updateInviteLinkSchema = z.object({
  roles: roleList.min(1).optional(),
  groups: groupList.optional(),
  maxUses: maxUses.optional(),
  expiresAt: expiresAt.optional(),
  allowedEmailDomains: allowedEmailDomains.optional(),
  disabled: z.boolean().optional(),
});

export type InviteLinkUpdate = z.infer<typeof updateInviteLinkSchema>;

export const redeemInviteLinkSchema = z.object({
  token: z.string().max(200),
  userId: trimmedText(1, 200),
  email: emailAddress.optional().describe("The user's email, when the host verified it"),
  emailVerified: z.boolean().default(false),
});

export type RedeemInviteLink = z.infer<typeof redeemInviteLinkSchema>;

/** An expiry within the workspace's ceiling, `linkTtlMax` from now, which it is by default. */
export function linkExpiry(requested: Date | undefined, ttlMaxMs: number, now: Date): Date {
  const ceiling = new Date(now.getTime() + ttlMaxMs);
  if (requested === undefined) return ceiling;
  if (requested.getTime() <= now.getTime() || requested.getTime() > ceiling.getTime()) {
    throw new RuleViolation(
      'validation_failed',
      `must be in the future and at most the workspace's linkTtlMax from now (${ceiling.toISOString()})`,
      '/expiresAt',
    );
  }
  return requested;
}

/** Whether one more person may join with the link at `now`: the rules of the workspace code. */
export const linkStatus = (link: InviteLink, now: Date): CodeStatus => codeStatus(link, now);

/** A link with `allowedEmailDomains` lets in only a verified email of one of them. */
export function mayRedeem(
  link: Pick<InviteLink, 'allowedEmailDomains'>,
  user: Pick<RedeemInviteLink, 'email' | 'emailVerified'>,
) {
  if (link.allowedEmailDomains.length === 0) return true;
  return Boolean(user.email && user.emailVerified && link.allowedEmailDomains.includes(emailDomain(user.email)));
}

export const inviteLinkViewSchema = z
  .object({
    id: z.string(),
    workspaceId: z.string(),
    token: z.string().describe('The secret that joins: whoever has it may join until the link stops'),
    url: z.string().nullable().describe("The workspace's `linkUrl` with the token in it; `null` without one"),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    maxUses: z.number().int().min(1).nullable(),
    uses: z.number().int().min(0),
    expiresAt: z.iso.datetime(),
    allowedEmailDomains: z.array(z.string()),
    disabled: z.boolean(),
    createdAt: z.iso.datetime().describe('When it was made or last rotated'),
  })
  .meta({ id: 'InviteLink' });

export type InviteLinkView = z.infer<typeof inviteLinkViewSchema>;

export function inviteLinkView(link: InviteLink, url: string | null): InviteLinkView {
  return {
    id: link.id,
    workspaceId: link.workspaceId,
    token: link.token,
    url,
    roles: link.roles,
    groups: link.groups,
    maxUses: link.maxUses,
    uses: link.uses,
    expiresAt: link.expiresAt.toISOString(),
    allowedEmailDomains: link.allowedEmailDomains,
    disabled: link.disabled,
    createdAt: link.createdAt.toISOString(),
  };
}

export const inviteLinkListSchema = z
  .object({ data: z.array(inviteLinkViewSchema), nextCursor: z.null() })
  .meta({ id: 'InviteLinkList' });

export const redemptionViewSchema = z
  .object({
    userId: z.string(),
    redeemedAt: z.iso.datetime(),
    visitor: z
      .string()
      .describe("A keyed hash of the visitor's address: the same address gives the same hash, and no address shows"),
  })
  .meta({ id: 'InviteLinkRedemption' });

export type RedemptionView = z.infer<typeof redemptionViewSchema>;

export const redemptionPageSchema = pageOf(redemptionViewSchema, 'The newest first').meta({
  id: 'InviteLinkRedemptionPage',
});

export const listRedemptionsQuery = z.object({
  cursor: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});
