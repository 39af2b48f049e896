import { z } from 'zod';
import { trimmedText } from './text';
import { timestampSchema } from './timestamp';
import { memberStatuses } from './member';

const roleName = trimmedText(1, 64);
const groupName = trimmedText(1, 100);

export const updateMemberSchema = z
  .object({
    roles: z.array(roleName).min(1).max(32).optional(),
    groups: z.array(groupName).max(100).optional(),
    status: z.enum(memberStatuses).optional(),
    expiresAt: timestampSchema
      .nullable()
      .optional()
      .describe('Renews or ends a guest membership (`member.expired` at that time); `null`: it no longer ends'),
  })
  .refine(
    (patch) =>
      patch.roles !== undefined ||
      patch.groups !== undefined ||
      patch.status !== undefined ||
      patch.expiresAt !== undefined,
    { message: 'needs at least one of roles, groups, status or expiresAt' },
  )
  .meta({
    anyOf: [{ required: ['roles'] }, { required: ['groups'] }, { required: ['status'] }, { required: ['expiresAt'] }],
  });

export type UpdateMemberInput = z.infer<typeof updateMemberSchema>;

export const listMembersQuerySchema = z.object({
  status: z.enum(memberStatuses).optional(),
  role: roleName.optional(),
  group: groupName.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
