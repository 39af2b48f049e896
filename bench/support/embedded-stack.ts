import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { searchAttributesForCli } from '../../runtime/search-attributes';
import { startArrivals, type Arrivals } from './arrivals';
import type { Services } from './processes';

export interface EmbeddedStack {
  services: Services;
  smtp: Arrivals;
  temporalPid: number;
  /** Where the Temporal SQLite file and the PostgreSQL cluster live. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The services inviteflow runs on, as `npm start` embeds them: a Temporal dev
 * server on a SQLite file, an embedded PostgreSQL and an SMTP server noting
 * arrivals. With `dataDir`, both keep their data there across runs (an
 * interrupted bench resumes); without it, a fresh temp dir deleted on stop.
 */
export async function startEmbeddedStack(options: { dataDir?: string } = {}): Promise<EmbeddedStack> {
  const persistent = options.dataDir !== undefined;
  const dataDir = persistent ? resolve(options.dataDir!) : mkdtempSync(join(tmpdir(), 'inviteflow-bench-'));
  mkdirSync(dataDir, { recursive: true });
  // Under root, PostgreSQL runs as `postgres`, which must be able to reach its cluster inside this directory.
  chmodSync(dataDir, 0o755);
  const [temporal, postgres, smtp] = await Promise.all([
    startTemporalDevServer({
      headless: true,
      dbFilename: join(dataDir, 'temporal.sqlite'),
      searchAttributes: searchAttributesForCli(),
    }),
    startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), persistent }),
    startArrivals(),
  ]).catch((error: unknown) => {
    throw new Error(`the embedded stack did not start in ${dataDir}: ${String(error)}`);
  });
  const discardDataOnExit = () => rmSync(dataDir, { recursive: true, force: true });
  if (!persistent) process.on('exit', discardDataOnExit);
  return {
    services: { temporal: temporal.address, database: postgres.url, smtp: smtp.url },
    smtp,
    temporalPid: temporal.pid!,
    dataDir,
    async stop() {
      await Promise.allSettled([temporal.stop(), postgres.stop(), smtp.stop()]);
      if (persistent) return;
      process.off('exit', discardDataOnExit);
      discardDataOnExit();
    },
  };
}
