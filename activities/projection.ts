import type { MikroORM } from '@mikro-orm/postgresql';
import type { InvitationState } from '../domain/invitation';
import { membershipEnd } from '../domain/membership';
import { writeTransition } from '../store/projection';
import type { EndpointsToWake } from '../store/webhook-outbox';
import { databaseFailure } from './database-failure';

export interface RecordTransitionInput {
  invitation: InvitationState;
  /** States the invitation went through before `invitation` and not yet recorded, oldest first. */
  earlier?: InvitationState[];
}

export interface ProjectionDependencies {
  orm: MikroORM;
  wakeWebhookDispatchers(endpointIds: EndpointsToWake): Promise<void>;
  /** Starts the run that ends a guest membership, once its member is recorded. */
  startMembership(workspaceId: string, userId: string, expiresAt: string): Promise<void>;
}

export function createProjectionActivities(deps: ProjectionDependencies) {
  return {
    /**
     * Records one state of an invitation, after the `earlier` states it went
     * through if any: projection, history, membership and the webhook outbox
     * in one transaction, then wakes the webhook dispatchers.
     * Safe to repeat: every write is keyed by the invitation's version.
     */
    async recordTransition({ invitation, earlier = [] }: RecordTransitionInput): Promise<void> {
      const toWake = await writeTransition(deps.orm, ...earlier, invitation).catch((error: unknown) => {
        throw databaseFailure('recording the invitation', 'projection_failed', error);
      });
      await deps.wakeWebhookDispatchers(toWake);
      if (invitation.status === 'accepted' && invitation.membership && invitation.acceptedBy && invitation.acceptedAt) {
        const end = membershipEnd(invitation.membership, invitation.acceptedAt);
        await deps.startMembership(invitation.workspaceId, invitation.acceptedBy, end);
      }
    },
  };
}
