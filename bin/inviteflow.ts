#!/usr/bin/env node
import { Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { ConfigError, loadConfig, requireSettings, twilioSettings, type Config } from '../config/config';
import { ensureTemporalCli, ensureTemporalTestServer } from '../embedded/temporal-binaries';
import { ensureTemporalServer } from '../embedded/temporal-server-binaries';
import { startBanner } from '../runtime/banner';
import { devApiKey, startDevStack } from '../runtime/dev-stack';
import { createLogger, logFormat } from '../runtime/logger';
import { retirePayloadKey } from '../runtime/payload-key-checks';
import { registerSearchAttributes } from '../runtime/search-attributes';
import { installTemporalRuntime } from '../runtime/temporal-logging';
import { freePort } from '../embedded/free-port';
import { openDatabase, runInviteflow, Stack } from '../runtime/services';
import { temporalSecurity } from '../runtime/temporal-connection';
import { writeWorkflowBundle } from '../runtime/workflow-bundle';
import { runImport } from './import';
import { runInvitations } from './invitations-cli';
import { runWebhooks } from './webhooks-cli';

const usage = `usage: inviteflow <command>

  start                       the whole stack; unset TEMPORAL_ADDRESS, DATABASE_URL, SMTP_URL run embedded
  api                         the HTTP API alone, against configured services
  worker                      the Temporal worker alone, against configured services
  migrate                     apply database migrations to DATABASE_URL
  retire-payload-key ID       forget a payload key no open run needs, so starts without it are allowed
  register-search-attributes  add inviteflow's search attributes to the cluster at TEMPORAL_ADDRESS
  install-temporal [--server] install the pinned temporal CLI and test server into .cache/; --server also
                              builds the Temporal server, its SQL tool and Web UI into the user's cache
  bundle-workflows            write the workflow bundle a built worker loads at start (npm run build does)
  import --workspace W FILE   invite everyone in a CSV file through a running API (import --help: options)
  invitations list|show|resend|revoke --workspace W
                              find an invitation, its events and sends; resend or revoke it (invitations --help)
  webhooks endpoints|deliveries|replay
                              what each webhook endpoint was sent, with its attempts; send again (webhooks --help)`;

/** Keeps the process up until Ctrl-C or SIGTERM, then stops everything once. */
function stopOnSignal(stack: Stack, log: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // A closed terminal too, or the embedded PostgreSQL and Temporal outlive it.
  process.on('SIGHUP', stop);
}

function productionAddresses(config: Config, needs: 'api' | 'worker') {
  const required = requireSettings(config, [
    'TEMPORAL_ADDRESS',
    'DATABASE_URL',
    'INVITEFLOW_SECRET',
    ...(needs === 'api' ? (['INVITEFLOW_API_KEY'] as const) : (['SMTP_URL'] as const)),
  ]);
  return {
    temporalAddress: required.TEMPORAL_ADDRESS,
    databaseUrl: required.DATABASE_URL,
    smtpUrl: config.SMTP_URL ?? '',
    apiKey: config.INVITEFLOW_API_KEY ?? '',
    secret: required.INVITEFLOW_SECRET,
    twilio: twilioSettings(config),
  };
}

async function main(command: string | undefined): Promise<void> {
  if (command === 'install-temporal') {
    console.log(await ensureTemporalCli());
    console.log(await ensureTemporalTestServer());
    if (process.argv.includes('--server')) {
      const { server, sqlTool, uiServer } = await ensureTemporalServer((line) => console.error(line));
      console.log([server, sqlTool, uiServer].join('\n'));
    }
    return;
  }
  if (command === 'bundle-workflows') {
    console.log(await writeWorkflowBundle());
    return;
  }
  if (command === 'import') {
    // Exit code rather than process.exit(): a --json answer piped on must be written out whole.
    process.exitCode = await runImport(process.argv.slice(3), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    });
    return;
  }
  if (command === 'invitations' || command === 'webhooks') {
    const run = command === 'invitations' ? runInvitations : runWebhooks;
    process.exitCode = await run(process.argv.slice(3), {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
    });
    return;
  }
  const config = loadConfig();
  const format = logFormat(config.LOG_FORMAT);
  const log = createLogger(config.LOG_LEVEL, 'inviteflow', undefined, format);
  // Processes that run a worker serve the SDK's metrics on a loopback port of their own, folded into /metrics.
  const sdkMetrics = command === 'start' || command === 'worker' ? `127.0.0.1:${await freePort()}` : undefined;
  installTemporalRuntime(log, sdkMetrics);
  const sdkMetricsUrl = sdkMetrics && `http://${sdkMetrics}/metrics`;
  switch (command) {
    case 'start': {
      const started = Date.now();
      const dev = await startDevStack(config, log, sdkMetricsUrl);
      stopOnSignal(dev.stack, log);
      const startupMs = Date.now() - started;
      if (format === 'json') log.info({ ...dev.urls, startupMs }, 'inviteflow is running (Ctrl-C stops it)');
      else process.stdout.write(startBanner(dev.urls, config.INVITEFLOW_API_KEY ? undefined : devApiKey));
      return;
    }
    case 'api':
    case 'worker': {
      const stack = new Stack(log);
      stopOnSignal(stack, log);
      await runInviteflow(stack, config, productionAddresses(config, command), log, {
        api: command === 'api',
        worker: command === 'worker',
        sdkMetricsUrl,
      });
      log.info({ command }, 'inviteflow is running');
      return;
    }
    case 'migrate': {
      const stack = new Stack(log);
      await openDatabase(stack, requireSettings(config, ['DATABASE_URL']).DATABASE_URL, log);
      await stack.stop();
      return;
    }
    case 'retire-payload-key': {
      const id = process.argv[3];
      if (!id) throw new ConfigError('usage: inviteflow retire-payload-key ID');
      const stack = new Stack(log);
      const orm = await openDatabase(stack, requireSettings(config, ['DATABASE_URL']).DATABASE_URL, log);
      try {
        const retired = await retirePayloadKey(orm, id);
        log.info({ keyId: id }, retired ? 'payload key retired' : 'no such payload key was recorded');
      } finally {
        await stack.stop();
      }
      return;
    }
    case 'register-search-attributes': {
      const connection = await Connection.connect({
        address: requireSettings(config, ['TEMPORAL_ADDRESS']).TEMPORAL_ADDRESS,
        ...temporalSecurity(config),
      });
      const added = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
      log.info({ added }, added.length > 0 ? 'search attributes registered' : 'search attributes already registered');
      await connection.close();
      return;
    }
    default:
      console.error(usage);
      process.exitCode = 2;
  }
}

main(process.argv[2]).catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
