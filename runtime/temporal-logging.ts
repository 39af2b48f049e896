import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from 'pino';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Sends the Temporal SDK's own logs (worker, workflows, activities) through pino, as JSON like the rest. */
export function installTemporalLogging(log: Logger): void {
  const temporalLog = log.child({ component: 'temporal' });
  const write = (level: LogLevel) => (message: string, meta?: LogMetadata) =>
    temporalLog[levels[level]](meta ?? {}, message);
  const logger: TemporalLogger = {
    log: (level, message, meta) => write(level)(message, meta),
    trace: write('TRACE'),
    debug: write('DEBUG'),
    info: write('INFO'),
    warn: write('WARN'),
    error: write('ERROR'),
  };
  Runtime.install({ logger });
}
