import { configSchema } from '../../config/config';

const raisedCap = 1_000_000;

/**
 * Every per-client, per-user and global attempt cap in inviteflow's
 * configuration, raised out of reach: a load test sends everything from one
 * IP, which a production deployment would rightly throttle. The bench prints
 * these, since they are configuration it changed.
 */
export function raisedRateLimits(): Record<string, string> {
  const caps = Object.keys(configSchema.shape).filter((name) =>
    /_PER_VISITOR$|_PER_USER$|_PER_WORKSPACE$|_GLOBAL$/.test(name),
  );
  // The global cap stays above the per-workspace one, as the configuration requires.
  return Object.fromEntries(caps.map((name) => [name, String(name.endsWith('_GLOBAL') ? 10 * raisedCap : raisedCap)]));
}
