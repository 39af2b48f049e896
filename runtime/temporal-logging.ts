import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from 'pino';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The Temporal SDK's logger interface over pino. Workflow and activity lines
 * carry their log attributes, `requestId` included (see runtime/temporal-interceptors).
 */
export function temporalLogger(log: Logger): TemporalLogger {
  const temporalLog = log.child({ component: 'temporal' });
  const write = (level: LogLevel) => (message: string, meta?: LogMetadata) =>
    temporalLog[levels[level]](meta ?? {}, message);
  return {
    log: (level, message, meta) => write(level)(message, meta),
    trace: write('TRACE'),
    debug: write('DEBUG'),
    info: write('INFO'),
    warn: write('WARN'),
    error: write('ERROR'),
  };
}

/**
 * Sends the Temporal SDK's own logs (worker, workflows, activities) through
 * pino, as JSON like the rest; with `sdkMetricsAddress` (host:port, loopback),
 * the SDK also serves its worker metrics there for `/metrics` to fold in.
 */
export function installTemporalRuntime(log: Logger, sdkMetricsAddress?: string): void {
  Runtime.install({
    logger: temporalLogger(log),
    ...(sdkMetricsAddress && {
      telemetryOptions: { metrics: { prometheus: { bindAddress: sdkMetricsAddress, useSecondsForDurations: true } } },
    }),
  });
}
