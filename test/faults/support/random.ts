/**
 * A seeded generator (mulberry32), so a failing run's fault timings can be
 * replayed with `FAULTS_SEED=<seed>`.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed from `FAULTS_SEED`, or a fresh one; printed so the run can be repeated. */
export function faultSeed(scenario: string): number {
  const given = process.env.FAULTS_SEED;
  const seed = given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
  console.log(`${scenario}: seed ${seed} (FAULTS_SEED=${seed} repeats these timings)`);
  return seed;
}
