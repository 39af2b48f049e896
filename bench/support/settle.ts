import { processCpuMs } from '../cpu';

const windowMs = 2_000;
/** Below this share of one core, a process is only ticking over (timers, polls). */
const idleShare = 0.05;

/**
 * Waits until every process is idle over a whole window: what a phase left
 * behind (emails, projection writes, timers being scheduled) must not be
 * measured as the next phase's latency. Gives up after `timeoutMs` and says so,
 * since a busy machine should not stop the bench.
 */
export async function settle(pids: readonly number[], timeoutMs = 5 * 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const before = pids.map(processCpuMs);
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    if (pids.every((pid, i) => processCpuMs(pid) - before[i]! < windowMs * idleShare)) return true;
  }
  console.error(`settle: processes ${pids.join(', ')} still busy after ${timeoutMs / 1000} s; measuring anyway`);
  return false;
}
