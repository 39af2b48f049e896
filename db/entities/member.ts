import { EntitySchema, type PrimaryKeyProp } from '@mikro-orm/core';
import type { JoinMethod, MemberStatus } from '../../domain/member';

export interface MemberRow {
  [PrimaryKeyProp]?: ['workspaceId', 'userId'];
  workspaceId: string;
  userId: string;
  roles: string[];
  groups: string[];
  status: MemberStatus;
  joinedVia: JoinMethod;
  invitationId: string | null;
  joinedAt: Date;
}

export const MemberSchema = new EntitySchema<MemberRow>({
  name: 'Member',
  tableName: 'members',
  properties: {
    workspaceId: { type: 'text', primary: true },
    userId: { type: 'text', primary: true },
    roles: { type: 'json' },
    groups: { type: 'json' },
    status: { type: 'text' },
    joinedVia: { type: 'text' },
    invitationId: { type: 'text', nullable: true },
    joinedAt: { type: 'datetime' },
  },
});
