import { heartbeat } from '@temporalio/activity';

const intervalMs = 2_000;

/**
 * Runs `work` while heartbeating every 2 s, so a worker that dies mid-send is
 * noticed after the activity's heartbeat timeout, not its start-to-close one.
 */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  heartbeat();
  const timer = setInterval(() => heartbeat(), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
