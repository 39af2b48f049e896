/**
 * What a bench started, stopped in reverse order exactly once: when it ends,
 * fails, or is interrupted (Ctrl-C, SIGTERM), so no server outlives it.
 */
export class Teardown {
  private readonly steps: (() => Promise<void>)[] = [];
  private running: Promise<void> | undefined;

  constructor(name: string) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        console.error(`${name}: ${signal}, stopping what was started`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }

  add(step: () => Promise<void>): void {
    this.steps.unshift(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps) {
        await step().catch((error: unknown) => console.error('teardown:', error));
      }
    })();
    return this.running;
  }
}
