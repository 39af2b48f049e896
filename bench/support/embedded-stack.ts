import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal-dev-server';
import { startTemporalServer } from '../../embedded/temporal-server';
import { searchAttributesForCli } from '../../runtime/search-attributes';
import { startArrivals, type Arrivals } from './arrivals';
import type { Services } from './processes';

/** The Temporal a bench runs on: the CLI's dev server on a SQLite file, or the Temporal server on the PostgreSQL. */
export type TemporalKind = 'dev' | 'server';

/** `--temporal`'s value, refused when it is neither. */
export function temporalKind(value: string | undefined): TemporalKind {
  if (value === undefined || value === 'dev' || value === 'server') return value ?? 'dev';
  throw new Error(`--temporal must be dev or server, not ${value}`);
}

export interface EmbeddedStack {
  services: Services;
  smtp: Arrivals;
  temporalPid: number;
  /** The postmaster: with its children, all of PostgreSQL's CPU (inviteflow's and, on `server`, Temporal's). */
  postgresPid: number;
  /** Where the Temporal SQLite file and the PostgreSQL cluster live. */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The services inviteflow runs on, as `npm start` embeds them: a Temporal dev
 * server on a SQLite file (or, `temporal: 'server'`, the Temporal server with
 * its databases on the same PostgreSQL), an embedded PostgreSQL and an SMTP
 * server noting arrivals. With `dataDir`, both keep their data there across
 * runs (an interrupted bench resumes); without it, a fresh temp dir deleted on stop.
 */
export async function startEmbeddedStack(
  options: { dataDir?: string; temporal?: TemporalKind } = {},
): Promise<EmbeddedStack> {
  const persistent = options.dataDir !== undefined;
  const dataDir = persistent ? resolve(options.dataDir!) : mkdtempSync(join(tmpdir(), 'inviteflow-bench-'));
  mkdirSync(dataDir, { recursive: true });
  // Under root, PostgreSQL runs as `postgres`, which must be able to reach its cluster inside this directory.
  chmodSync(dataDir, 0o755);
  const postgresStarted = startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), persistent });
  const [temporal, postgres, smtp] = await Promise.all([
    options.temporal === 'server'
      ? postgresStarted.then(({ url }) =>
          startTemporalServer({
            postgresUrl: url,
            dataDir: join(dataDir, 'temporal-server'),
            uiPort: null,
            searchAttributes: searchAttributesForCli(),
          }),
        )
      : startTemporalDevServer({
          headless: true,
          dbFilename: join(dataDir, 'temporal.sqlite'),
          searchAttributes: searchAttributesForCli(),
        }),
    postgresStarted,
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
    postgresPid: postgres.pid!,
    dataDir,
    async stop() {
      await Promise.allSettled([temporal.stop(), smtp.stop()]);
      await postgres.stop();
      if (persistent) return;
      process.off('exit', discardDataOnExit);
      discardDataOnExit();
    },
  };
}
