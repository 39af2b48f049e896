import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { dateOrNull } from './rows';
import { personKeys } from '../domain/contact';
import { RuleViolation } from '../domain/error-codes';
import { capRefusal, capWindowMs, countsDaily, type InvitationCaps } from '../domain/invitation-caps';
import { isOpen, type InvitationState, type Invitee } from '../domain/invitation';
import { suppressedAddressHash } from '../domain/suppression';
import type { InvitationView } from '../domain/invitation-view';
import { findInvitation } from './invitations';
import { suppressionOf } from './suppressions';

export class ClaimedElsewhere extends Error {
  constructor(
    readonly invitationId: string,
    readonly claimedAt: Date,
  ) {
    super(`the person already has invitation ${invitationId}`);
  }
}

/** What a claim is held to: the workspace's seats and caps, and who invites (the daily caps count per inviter). */
export interface ClaimRules {
  seatLimit: number | null;
  caps: InvitationCaps;
  inviterId: string;
  /** The keyed hash of an address the invitation will email: refused while the workspace suppresses it. */
  emailedAddressHash?: string;
}

/**
 * Claims a person's place in a workspace for a new invitation: all of their
 * keys or none. A conflict names the invitation that holds the place; a
 * seat limit or a cap reached throws its RuleViolation, claiming nothing.
 */
export async function claim(
  orm: MikroORM,
  workspaceId: string,
  invitee: Invitee,
  invitationId: string,
  rules: ClaimRules,
): Promise<ClaimedElsewhere | undefined> {
  const keys = personKeys(invitee);
  if (keys.length === 0) return undefined;
  const capped = rules.caps.openInvitations !== null || countsDaily(rules.caps);
  try {
    await orm.em.fork().transactional(async (em) => {
      if (rules.emailedAddressHash) await checkNotSuppressed(em, workspaceId, rules.emailedAddressHash);
      if (rules.seatLimit !== null || capped) await lockSeats(em, workspaceId);
      const inserted = await em.execute<{ person_key: string }[]>(
        `insert into open_invitations (workspace_id, person_key, invitation_id)
         values ${keys.map(() => '(?, ?, ?)').join(', ')}
         on conflict do nothing returning person_key`,
        keys.flatMap((key) => [workspaceId, key, invitationId]),
      );
      if (inserted.length === keys.length) {
        if (rules.seatLimit !== null) await checkSeats(em, workspaceId, rules.seatLimit);
        if (capped) await checkCaps(em, workspaceId, invitationId, rules);
        return;
      }
      const [holder] = await em.execute<{ invitation_id: string; claimed_at: Date }[]>(
        `select invitation_id, claimed_at from open_invitations
         where workspace_id = ? and person_key in (${keys.map(() => '?').join(', ')}) and invitation_id <> ?
         limit 1`,
        [workspaceId, ...keys, invitationId],
      );
      // Every key is already this invitation's: a repeated claim (a retried bulk start) holds the place.
      if (!holder) return;
      // Rolls the partial claim back.
      throw new ClaimedElsewhere(holder.invitation_id, new Date(holder.claimed_at));
    });
    return undefined;
  } catch (error) {
    if (error instanceof ClaimedElsewhere) return error;
    throw error;
  }
}

async function checkNotSuppressed(em: EntityManager, workspaceId: string, addressHash: string): Promise<void> {
  const reason = await suppressionOf(em, workspaceId, addressHash);
  if (!reason) return;
  const why = reason === 'bounced' ? 'bounced for good' : 'had an invitation reported as spam by its owner';
  throw new RuleViolation(
    'address_suppressed',
    `this address ${why}; create with "force": true to invite it all the same`,
    '/invitee/email',
  );
}

/**
 * Under the workspace's lock: refuses the invitation past a cap, else counts
 * it for the daily ones (once: a retried start finds it counted). Counts
 * older than the window are dropped as they stop mattering.
 */
async function checkCaps(em: EntityManager, workspaceId: string, invitationId: string, rules: ClaimRules) {
  const [counted] = await em.execute<unknown[]>('select 1 from invitation_starts where invitation_id = ?', [
    invitationId,
  ]);
  if (counted) return;
  const since = new Date(Date.now() - capWindowMs);
  const [usage] = await em.execute<
    {
      by_inviter: number;
      inviter_oldest: string | null;
      in_workspace: number;
      workspace_oldest: string | null;
      open: number;
    }[]
  >(
    `select count(*) filter (where inviter_id = ?)::int as by_inviter,
       min(started_at) filter (where inviter_id = ?) as inviter_oldest,
       count(*)::int as in_workspace, min(started_at) as workspace_oldest,
       (select count(distinct invitation_id)::int from open_invitations
        where workspace_id = ? and invitation_id <> ?) as open
     from invitation_starts where workspace_id = ? and started_at > ?`,
    [rules.inviterId, rules.inviterId, workspaceId, invitationId, workspaceId, since],
  );
  const refusal = capRefusal(
    rules.caps,
    {
      byInviter: { count: usage!.by_inviter, oldest: dateOrNull(usage!.inviter_oldest) },
      inWorkspace: { count: usage!.in_workspace, oldest: dateOrNull(usage!.workspace_oldest) },
      open: usage!.open,
    },
    new Date(),
  );
  if (refusal) throw refusal;
  if (!countsDaily(rules.caps)) return;
  await em.execute('delete from invitation_starts where workspace_id = ? and started_at <= ?', [workspaceId, since]);
  await em.execute('insert into invitation_starts (invitation_id, workspace_id, inviter_id) values (?, ?, ?)', [
    invitationId,
    workspaceId,
    rules.inviterId,
  ]);
}

/** A start that did not happen counts against no cap. */
async function uncount(orm: MikroORM, invitationId: string): Promise<void> {
  await orm.em.fork().execute('delete from invitation_starts where invitation_id = ?', [invitationId]);
}

/**
 * Seats are counted and taken under one lock per workspace, held until the
 * transaction ends, so parallel invitations and code joins cannot overbook.
 */
export async function lockSeats(em: EntityManager, workspaceId: string): Promise<void> {
  await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`seats:${workspaceId}`]);
}

/** Active members and open invitations each take a seat. */
export async function seatsTaken(em: EntityManager, workspaceId: string): Promise<number> {
  const [taken] = await em.execute<{ seats: string }[]>(
    `select (select count(*) from members where workspace_id = ? and status = 'active')
          + (select count(distinct invitation_id) from open_invitations where workspace_id = ?) as seats`,
    [workspaceId, workspaceId],
  );
  return Number(taken!.seats);
}

/** The one being taken included. */
export async function checkSeats(em: EntityManager, workspaceId: string, seatLimit: number): Promise<void> {
  if ((await seatsTaken(em, workspaceId)) > seatLimit) {
    throw new RuleViolation('seat_limit_reached', `the workspace has used all of its ${seatLimit} seats`);
  }
}

export async function releaseClaims(orm: MikroORM, invitationId: string): Promise<void> {
  await orm.em.fork().execute('delete from open_invitations where invitation_id = ?', [invitationId]);
}

/**
 * What holds a place another invitation claimed: that invitation, open;
 * `creating` when it does not exist yet and was claimed within
 * `abandonedAfterMs` (its creator is at it); else `released`: it ended, or
 * its creator died, and its claim was dropped so that claiming again works.
 */
export async function placeHolder(
  orm: MikroORM,
  conflict: ClaimedElsewhere,
  abandonedAfterMs: number,
): Promise<{ open: InvitationView } | 'creating' | 'released'> {
  const holder = await findInvitation(orm, conflict.invitationId);
  if (holder && isOpen(holder.status)) return { open: holder };
  if (!holder && Date.now() - conflict.claimedAt.getTime() < abandonedAfterMs) return 'creating';
  await releaseClaims(orm, conflict.invitationId);
  return 'released';
}

const pollMs = 100;

/**
 * The places and seats of the API and bulk imports: a claim that meets an
 * open invitation answers it; one still being created is waited for up to
 * `waitMs`, then refused as `unavailable` (retry shortly).
 */
export function placeClaims(orm: MikroORM, waitMs: number, secret: string) {
  /** An address the invitation will email, unless its creator forces it past a suppression. */
  const emailedAddressHash = (invitation: InvitationState, force: boolean | undefined) =>
    !force && invitation.invitee.email && invitation.channels.includes('email')
      ? suppressedAddressHash(secret, invitation.invitee.email)
      : undefined;
  return {
    async claimOrFindOpen(
      invitation: InvitationState,
      limits: { seatLimit: number | null; caps: InvitationCaps; force?: boolean },
    ): Promise<InvitationView | undefined> {
      const { force, ...held } = limits;
      const rules = {
        ...held,
        inviterId: invitation.inviter.userId,
        emailedAddressHash: emailedAddressHash(invitation, force),
      };
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const conflict = await claim(orm, invitation.workspaceId, invitation.invitee, invitation.id, rules);
        if (!conflict) return undefined;
        const deadline = Date.now() + waitMs;
        for (;;) {
          const holder = await placeHolder(orm, conflict, waitMs);
          if (holder === 'released') break;
          if (holder !== 'creating') return holder.open;
          if (Date.now() > deadline) {
            const message = 'an invitation for this person is still being created; retry shortly';
            throw new RuleViolation('unavailable', message, undefined, 1);
          }
          await new Promise((resolve) => setTimeout(resolve, pollMs));
        }
      }
      throw new RuleViolation('unavailable', 'invitations for this person kept changing; retry shortly', undefined, 1);
    },
    async release(invitationId: string) {
      await Promise.all([releaseClaims(orm, invitationId), uncount(orm, invitationId)]);
    },
  };
}
