import type { InvitationRuns } from '../usecases/invitation-runs';
import { getInvitation } from '../store/invitations';
import type { ApiContext } from './context';

/** The runs the API commands: a closed one's final state is the projection's. */
export function invitationRuns(ctx: Pick<ApiContext, 'orm' | 'temporal' | 'temporalTimeoutMs'>): InvitationRuns {
  return {
    temporal: ctx.temporal,
    timeoutMs: ctx.temporalTimeoutMs,
    closedState: (invitationId) => getInvitation(ctx.orm, invitationId),
  };
}
