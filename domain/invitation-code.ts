import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { jsonValue, trimmedText } from './text';
import { timestampSchema } from './timestamp';

/**
 * A workspace's invitation code, a secret access code: members type
 * it, so it is short, and it joins whoever knows it, so it is guessed only
 * through the rate-limited join.
 */
export const codeLength = 8;

/** Upper-case letters and digits without the ones people mistake for each other: 0/O and 1/I/L. */
export const codeAlphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const hasDigit = (code: string) => /\d/.test(code);

/** Codes compare case-insensitively: everything is stored and looked up in upper case. */
export function normaliseCode(text: string): string {
  return text.trim().toUpperCase();
}

/** `randomIndex(n)` answers an integer in [0, n); crypto's by default, a fixed sequence in tests. */
export type RandomIndex = (bound: number) => number;

/** A fresh code from the look-alike-free alphabet, drawn again until it holds a digit as every code must. */
export function generateInvitationCode(randomIndex: RandomIndex = randomInt): string {
  for (;;) {
    const code = Array.from({ length: codeLength }, () => codeAlphabet[randomIndex(codeAlphabet.length)]).join('');
    if (hasDigit(code)) return code;
  }
}

/**
 * A code an admin chooses may use any letter or digit (look-alikes are their
 * call), in any case; it must have the same shape as a generated one.
 */
export const customCodeSchema = z
  .string()
  .toUpperCase()
  .regex(/^[A-Za-z0-9]*$/, 'must contain only letters A-Z and digits')
  .length(codeLength, `must be exactly ${codeLength} characters`)
  .refine(hasDigit, 'must contain at least one digit')
  .describe('8 letters (A-Z) or digits, at least one a digit, in any case: kept in upper case');

/** `PUT .../invitation-code`: a custom code and/or its settings; a field left out keeps its value. */
export const updateInvitationCodeSchema = z.object({
  code: customCodeSchema.optional(),
  disabled: z.boolean().optional(),
  expiresAt: timestampSchema
    .transform((text) => new Date(text))
    .nullable()
    .optional(),
  maxUses: z.number().int().positive().max(1_000_000_000).nullable().optional(),
});

export type InvitationCodeUpdate = z.infer<typeof updateInvitationCodeSchema>;

/** `POST /v1/join`. The code is any text: a malformed one is just a wrong one, refused the same way. */
export const joinWithCodeSchema = z.object({
  code: z.string().max(64),
  userId: trimmedText(1, 200),
  profile: z.record(z.string(), jsonValue).optional(),
});

export interface InvitationCode {
  workspaceId: string;
  code: string;
  disabled: boolean;
  expiresAt: Date | null;
  maxUses: number | null;
  uses: number;
  createdAt: Date;
}

export type CodeStatus = 'usable' | 'disabled' | 'expired' | 'exhausted';

/** Whether one more person may join with the code at `now`. */
export function codeStatus(code: Omit<InvitationCode, 'workspaceId' | 'code' | 'createdAt'>, now: Date): CodeStatus {
  if (code.disabled) return 'disabled';
  if (code.expiresAt && code.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (code.maxUses !== null && code.uses >= code.maxUses) return 'exhausted';
  return 'usable';
}

export const invitationCodeViewSchema = z
  .object({
    workspaceId: z.string(),
    code: z.string().describe('8 characters, at least one a digit; joins are case-insensitive'),
    disabled: z.boolean(),
    expiresAt: z.iso.datetime().nullable(),
    maxUses: z.number().int().min(1).nullable(),
    uses: z.number().int().min(0).describe('Joins with this code since it was set or rotated'),
    createdAt: z.iso.datetime().describe('When this code was set or rotated'),
  })
  .meta({ id: 'InvitationCode' });

export type InvitationCodeView = z.infer<typeof invitationCodeViewSchema>;

export function invitationCodeView(code: InvitationCode): InvitationCodeView {
  return {
    workspaceId: code.workspaceId,
    code: code.code,
    disabled: code.disabled,
    expiresAt: code.expiresAt?.toISOString() ?? null,
    maxUses: code.maxUses,
    uses: code.uses,
    createdAt: code.createdAt.toISOString(),
  };
}
