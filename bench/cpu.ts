import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports process and machine CPU time in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

/** The fields of /proc/<pid>/stat after the command name, from the state (field 3) on. */
function statFields(pid: number | string): string[] {
  // The command name (field 2) may hold spaces; the fields after it are fixed.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** User plus system time of one process's stat fields, in milliseconds. */
const cpuMsOf = (fields: string[]) => (Number(fields[11]) + Number(fields[12])) * TICK_MS;

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  return cpuMsOf(statFields(pid));
}

/**
 * CPU time of a server that forks a process per connection (PostgreSQL):
 * its own, its live children's, and what its children that have exited
 * used (which the kernel adds to the parent once it reaps them).
 */
export function processTreeCpuMs(pid: number): number {
  const fields = statFields(pid);
  const reaped = (Number(fields[13]) + Number(fields[14])) * TICK_MS;
  let children = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = statFields(entry);
      if (child[1] === String(pid)) children += cpuMsOf(child);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return cpuMsOf(fields) + reaped + children;
}

/** CPU time every core of the machine has spent busy so far (all but idle and iowait), in milliseconds. */
export function machineBusyMs(): number {
  const [user, nice, system, , , irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]!
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * TICK_MS;
}

/** Where the CPU went during a run, per invitation: the figure that says which process is the limit. */
export class CpuMeter {
  private readonly start: Record<string, number>;
  private readonly machineStart = machineBusyMs();

  /**
   * Each name may stand for several processes (two workers, say): their CPU
   * adds up. A name in `trees` is a server with its children (PostgreSQL).
   */
  constructor(
    private readonly pids: Record<string, number | number[]>,
    private readonly trees: Record<string, number> = {},
  ) {
    this.start = Object.fromEntries(this.names().map((name) => [name, this.used(name)]));
  }

  private names(): string[] {
    return [...Object.keys(this.pids), ...Object.keys(this.trees)];
  }

  private used(name: string): number {
    const tree = this.trees[name];
    if (tree !== undefined) return processTreeCpuMs(tree);
    return [this.pids[name]!].flat().reduce((sum, pid) => sum + processCpuMs(pid), 0);
  }

  /** CPU milliseconds per invitation for each process and for the whole machine. */
  perInvitation(invitations: number): Record<string, number> {
    const used = Object.fromEntries(this.names().map((name) => [name, this.used(name) - this.start[name]!]));
    used.machine = machineBusyMs() - this.machineStart;
    return Object.fromEntries(
      Object.entries(used).map(([name, ms]) => [name, Math.round((ms / invitations) * 10) / 10]),
    );
  }
}
