import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities';

const { welcomeLine } = proxyActivities<typeof activities>({ startToCloseTimeout: '10 seconds' });

/** The host's own workflow, run by the same worker as inviteflow's. */
export async function onboardingWorkflow({ userId }: { userId: string }): Promise<string> {
  return welcomeLine({ userId });
}
