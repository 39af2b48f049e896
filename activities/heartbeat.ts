import { activityInfo, heartbeat } from '@temporalio/activity';

const intervalMs = 2_000;

/**
 * Runs `work` while heartbeating every 2 s, so a worker that dies mid-send is
 * noticed after the activity's heartbeat timeout, not its start-to-close one.
 * Not at the start: the heartbeat timeout counts from the start anyway, and
 * the server persists every heartbeat, so an activity done within 2 s costs
 * none. A local activity has no heartbeat: it lives inside a workflow task.
 */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  if (activityInfo().isLocal) return work();
  const timer = setInterval(() => heartbeat(), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
