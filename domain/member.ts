import { z } from 'zod';
import { pageOf } from './page';

export const memberStatuses = ['active', 'disabled'] as const;
export type MemberStatus = (typeof memberStatuses)[number];

export const joinMethods = ['invitation', 'code', 'match', 'domain', 'link'] as const;
export type JoinMethod = (typeof joinMethods)[number];

/** What hosts see of a member, in the API and in webhooks. */
export const memberViewSchema = z
  .object({
    workspaceId: z.string(),
    userId: z.string(),
    roles: z.array(z.string()),
    groups: z.array(z.string()),
    status: z.enum(memberStatuses),
    joinedVia: z.enum(joinMethods),
    joinedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable().describe('When a guest membership ends (the member is then disabled)'),
    sponsor: z.string().nullable().describe("Who answers for a guest: its invitation's sponsor"),
  })
  .meta({ id: 'Member' });

export type MemberView = z.infer<typeof memberViewSchema>;

export const memberPageSchema = pageOf(memberViewSchema).meta({ id: 'MemberPage' });

/** A user who joined with a code. */
export const joinedMemberSchema = z.object({ member: memberViewSchema }).meta({ id: 'JoinedMember' });

/** The parts of a membership the host may change. */
export type MemberPatch = Partial<Pick<MemberView, 'roles' | 'groups' | 'status' | 'expiresAt'>>;

/** Each changed field with its value before and after: what `member.updated` tells the host. */
export type MemberChanges = { [Field in keyof MemberPatch]?: { from: MemberView[Field]; to: MemberView[Field] } };

const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((item, index) => item === b[index]);

/** The fields a patch really changes; empty when it sets every field to the value it already has. */
export function memberChanges(member: MemberView, patch: MemberPatch): MemberChanges {
  const changes: MemberChanges = {};
  if (patch.roles && !sameList(member.roles, patch.roles)) changes.roles = { from: member.roles, to: patch.roles };
  if (patch.groups && !sameList(member.groups, patch.groups))
    changes.groups = { from: member.groups, to: patch.groups };
  if (patch.status && patch.status !== member.status) changes.status = { from: member.status, to: patch.status };
  // Compared as instants: the same end written another way is no change.
  const instant = (iso: string | null) => (iso === null ? null : Date.parse(iso));
  if (patch.expiresAt !== undefined && instant(patch.expiresAt) !== instant(member.expiresAt)) {
    const to = patch.expiresAt === null ? null : new Date(patch.expiresAt).toISOString();
    changes.expiresAt = { from: member.expiresAt, to };
  }
  return changes;
}
