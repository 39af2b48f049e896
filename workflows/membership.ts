import { condition, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { setMembershipEndSignal, type MembershipInput } from './membership-messages';
import { membershipExpiresAtKey } from './search-attributes';

const { announceMembershipExpiring, expireMembership } = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

/**
 * Holds a guest membership's timer: `member.expiring` a while before its
 * end, then `member.expired` at the end, when the member is disabled. A
 * renewal or an early end moves the timer; no end at all finishes the run.
 */
export async function membershipWorkflow(input: MembershipInput): Promise<void> {
  const { workspaceId, userId, warnBeforeMs } = input;
  let end: string | null = input.expiresAt;
  setHandler(setMembershipEndSignal, ({ expiresAt }) => {
    end = expiresAt;
  });
  let announced: string | null = null;
  while (end !== null) {
    const current: string = end;
    const changed = () => end !== current;
    upsertSearchAttributes([{ key: membershipExpiresAtKey, value: new Date(current) }]);
    const endsAt = Date.parse(current);
    const warnAt = endsAt - warnBeforeMs;
    if (Date.now() < warnAt && (await condition(changed, warnAt - Date.now()))) continue;
    if (announced !== current && Date.now() < endsAt) {
      await announceMembershipExpiring({ workspaceId, userId, expiresAt: current });
      announced = current;
    }
    if (Date.now() < endsAt && (await condition(changed, endsAt - Date.now()))) continue;
    if (changed()) continue;
    await expireMembership({ workspaceId, userId, expiresAt: current });
    return;
  }
}
