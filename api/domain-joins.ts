import { autoJoinOf, emailDomain } from '../domain/auto-join';
import { RuleViolation } from '../domain/error-codes';
import { newId } from '../domain/ids';
import { joinRequest } from '../domain/new-invitation';
import type { Registration, RegistrationResult } from '../domain/registration';
import { wakeWebhookDispatchers } from '../activities/webhook-waker';
import { placeClaims } from '../store/claims';
import { findMembership, joinMember } from '../store/members';
import { autoJoiningWorkspaces } from '../store/workspaces';
import { openingRun } from '../usecases/invitation-runs';
import { startInvitation } from '../usecases/start-invitation';
import type { ApiContext } from './context';
import { invitationRuns } from './invitation-runs';

type DomainJoin = RegistrationResult['domainJoins'][number];

/**
 * What a registration with a verified email does in the workspaces whose
 * `autoJoin` lists its domain: joins them, or asks to (a `requested`
 * invitation for an inviter to approve). The seat limit holds either way;
 * a workspace the user is a member of already, or joined by an invitation
 * this registration accepted, is left alone.
 */
export function domainJoins(ctx: ApiContext) {
  const places = placeClaims(ctx.orm, ctx.temporalTimeoutMs, ctx.secret);
  const openRun = openingRun(invitationRuns(ctx), ctx.taskQueue);

  async function joinOne(
    workspace: Awaited<ReturnType<typeof autoJoiningWorkspaces>>[number],
    user: { userId: string; email: string },
    autoJoin: NonNullable<ReturnType<typeof autoJoinOf>>,
  ): Promise<DomainJoin> {
    const done = { workspaceId: workspace.id, invitationId: null, code: null };
    if (autoJoin.mode === 'join') {
      const { toWake } = await joinMember(ctx.orm, {
        workspaceId: workspace.id,
        userId: user.userId,
        roles: [autoJoin.role],
        via: 'domain',
        seatLimit: workspace.settings.seatLimit,
      });
      await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
      return { ...done, outcome: 'joined' };
    }
    if (await findMembership(ctx.orm, workspace.id, user.userId)) {
      return { ...done, outcome: 'skipped', code: 'already_member' };
    }
    const opened = joinRequest(workspace, user, autoJoin.role, newId('inv'), new Date());
    const outcome = await startInvitation(places, openRun, opened, workspace.settings);
    if ('heldBy' in outcome) {
      return { ...done, outcome: 'skipped', invitationId: outcome.heldBy.id, code: 'already_invited' };
    }
    return { ...done, outcome: 'requested', invitationId: outcome.started.id };
  }

  return async function join(
    registration: Registration,
    scopedWorkspaceId: string | null,
    accepted: ReadonlySet<string>,
  ): Promise<DomainJoin[]> {
    const { email, userId } = registration;
    if (!email || !registration.emailVerified) return [];
    const results: DomainJoin[] = [];
    for (const workspace of await autoJoiningWorkspaces(ctx.orm, emailDomain(email), scopedWorkspaceId)) {
      const autoJoin = autoJoinOf(workspace.settings, registration);
      if (!autoJoin || accepted.has(workspace.id)) continue;
      try {
        results.push(await joinOne(workspace, { userId, email }, autoJoin));
      } catch (error) {
        // A full workspace, or one the user is in already, does not stop the others.
        if (!(error instanceof RuleViolation)) throw error;
        results.push({ workspaceId: workspace.id, outcome: 'skipped', invitationId: null, code: error.code });
      }
    }
    return results;
  };
}
