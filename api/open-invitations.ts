import type { MikroORM } from '@mikro-orm/postgresql';
import { claim, releaseClaims, type ClaimedElsewhere } from '../activities/claims';
import { isOpen, type Invitee } from '../domain/invitation';
import type { InvitationView } from '../domain/invitation-view';
import { findInvitation } from './invitation-store';
import { Problem } from './problem';

const pollMs = 100;

/**
 * The open invitation that holds the place, waiting for one still being
 * created. A claim whose invitation ended, or never appeared in time (its
 * creator died), is released so the caller can claim again.
 */
async function holderOf(
  orm: MikroORM,
  conflict: ClaimedElsewhere,
  waitMs: number,
): Promise<InvitationView | undefined> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = await findInvitation(orm, conflict.invitationId);
    if (holder && isOpen(holder.status)) return holder;
    const abandoned = !holder && Date.now() - conflict.claimedAt.getTime() > waitMs;
    if (holder || abandoned) {
      await releaseClaims(orm, conflict.invitationId);
      return undefined;
    }
    if (Date.now() > deadline) {
      throw new Problem('unavailable', 'an invitation for this person is still being created; retry shortly', [], {
        'retry-after': '1',
      });
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/**
 * Either claims the person's place, and a seat, for `invitationId` (answering
 * `undefined`) or answers the open invitation that already holds it.
 */
export async function claimOrFindOpen(
  orm: MikroORM,
  workspaceId: string,
  invitee: Invitee,
  invitationId: string,
  seatLimit: number | null,
  waitMs: number,
): Promise<InvitationView | undefined> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const conflict = await claim(orm, workspaceId, invitee, invitationId, seatLimit);
    if (!conflict) return undefined;
    const holder = await holderOf(orm, conflict, waitMs);
    if (holder) return holder;
  }
  throw new Problem('unavailable', 'invitations for this person kept changing; retry shortly', [], {
    'retry-after': '1',
  });
}
