import fc from 'fast-check';
import { probe, Tally, type BadRequest } from './probe';
import { allowedWrites } from './requests';
import { startBadInputWorld, type BadInputWorld } from './world';

export interface BadInputSuite {
  /** The running stack and its fixtures; read it inside arbitraries and tests, once `beforeAll` has run. */
  readonly world: BadInputWorld;
  /** Every answer so far, by status. */
  readonly tally: Tally;
  /** Sends `numRuns` requests drawn from `requests`, probing each: below 500, problem+json, nothing written. */
  check(requests: fc.Arbitrary<BadRequest>, numRuns: number): Promise<void>;
}

/**
 * A bad-input suite's stack, seed and tally: the stack starts before the file's
 * tests and stops after them, printing how the answers fell. `BAD_INPUT_SEED`
 * and `BAD_INPUT_PATH` replay a counterexample.
 */
export function badInputSuite(name: string, defaultSeed: number): BadInputSuite {
  const seed = Number(process.env.BAD_INPUT_SEED ?? defaultSeed);
  const tally = new Tally();
  let world: BadInputWorld | undefined;

  beforeAll(async () => {
    world = await startBadInputWorld();
  }, 120_000);

  afterAll(async () => {
    console.log(`${name}: ${tally.summary()}`);
    await world?.stop();
  });

  const started = (): BadInputWorld => {
    if (!world) throw new Error('the bad-input stack is not started yet');
    return world;
  };

  return {
    get world() {
      return started();
    },
    tally,
    async check(requests, numRuns) {
      const { app, watch } = started();
      await fc.assert(
        fc.asyncProperty(requests, async (request) => {
          tally.add(await probe(app.apiUrl, request, watch, allowedWrites(request)));
        }),
        { numRuns, seed, path: process.env.BAD_INPUT_PATH, endOnFailure: true },
      );
    },
  };
}
