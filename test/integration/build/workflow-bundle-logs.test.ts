import type { LogLevel, LogMetadata, Logger } from '@temporalio/worker';
import { bundleWorkflows } from '../../../runtime/workflow-bundle';

test("the bundler's webpack report goes out at debug, so npm start does not print it", async () => {
  const lines: { level: LogLevel; message: string }[] = [];
  const at =
    (level: LogLevel) =>
    (message: string, _meta?: LogMetadata): void =>
      void lines.push({ level, message });
  const logger: Logger = {
    log: (level, message) => void lines.push({ level, message }),
    trace: at('TRACE'),
    debug: at('DEBUG'),
    info: at('INFO'),
    warn: at('WARN'),
    error: at('ERROR'),
  };
  const code = await bundleWorkflows(logger);
  expect(code).toContain('invitationWorkflow');
  expect(lines.filter((line) => line.level === 'INFO')).toEqual([]);
  // webpack's report names the bundle it wrote, then the bundler says it is done.
  expect(lines.some((line) => line.level === 'DEBUG' && /asset|modules/.test(line.message))).toBe(true);
  expect(lines.some((line) => line.level === 'DEBUG' && line.message === 'Workflow bundle created')).toBe(true);
}, 120_000);
