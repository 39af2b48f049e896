import type { MikroORM } from '@mikro-orm/postgresql';
import type { MembershipStep } from '../domain/membership';
import { announceExpiring, expireMember } from '../store/memberships';
import type { EndpointsToWake } from '../store/webhook-outbox';

/** The steps of a guest membership's run: its warning, then its end. */
export function createMembershipActivities(deps: {
  orm: MikroORM;
  wakeWebhookDispatchers(endpointIds: EndpointsToWake): Promise<void>;
}) {
  return {
    async announceMembershipExpiring(step: MembershipStep): Promise<void> {
      await deps.wakeWebhookDispatchers(await announceExpiring(deps.orm, step));
    },
    async expireMembership(step: MembershipStep): Promise<void> {
      await deps.wakeWebhookDispatchers(await expireMember(deps.orm, step));
    },
  };
}
