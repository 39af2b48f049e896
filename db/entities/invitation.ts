import { EntitySchema, type Opt } from '@mikro-orm/core';
import type { Inviter, InvitationStatus } from '../../domain/invitation';
import type { Channel } from '../../domain/workspace';

/**
 * The read-side projection of one invitation workflow: the workflow owns the
 * truth, this row answers listings and lookups without querying Temporal.
 */
export interface InvitationRow {
  id: string;
  workspaceId: string;
  status: InvitationStatus;
  email: string | null;
  /** Lower-cased email (`emailKey()`): what case-insensitive matching compares. */
  emailKey: string | null;
  /** E.164. */
  phone: string | null;
  name: string | null;
  userId: string | null;
  /** The invitee agreed that their phone be used; only then does a registration match it. */
  phoneConsent: Opt<boolean>;
  roles: string[];
  groups: string[];
  channels: Channel[];
  inviter: Inviter;
  locale: string | null;
  sendCount: number;
  lastSentAt: Date | null;
  expiresAt: Date | null;
  createdAt: Date;
  acceptedAt: Date | null;
  acceptedBy: string | null;
  erasedAt: Date | null;
  /** Number of events applied: a projection write only lands if it moves this forward. */
  version: number;
  updatedAt: Opt<Date>;
}

export const InvitationSchema = new EntitySchema<InvitationRow>({
  name: 'Invitation',
  tableName: 'invitations',
  properties: {
    id: { type: 'text', primary: true },
    workspaceId: { type: 'text' },
    status: { type: 'text' },
    email: { type: 'text', nullable: true },
    emailKey: { type: 'text', nullable: true },
    phone: { type: 'text', nullable: true },
    name: { type: 'text', nullable: true },
    userId: { type: 'text', nullable: true },
    phoneConsent: { type: 'boolean', default: false },
    roles: { type: 'json' },
    groups: { type: 'json' },
    channels: { type: 'json' },
    inviter: { type: 'json' },
    locale: { type: 'text', nullable: true },
    sendCount: { type: 'integer' },
    lastSentAt: { type: 'datetime', nullable: true },
    expiresAt: { type: 'datetime', nullable: true },
    createdAt: { type: 'datetime' },
    acceptedAt: { type: 'datetime', nullable: true },
    acceptedBy: { type: 'text', nullable: true },
    erasedAt: { type: 'datetime', nullable: true },
    // A plain counter the projector compares itself, not MikroORM's optimistic-lock `version`.
    version: { type: 'integer' },
    updatedAt: { type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() },
  },
});
