import pino, { type DestinationStream, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { loggableError } from '../db/errors';

/** Fields that may carry a credential or personal data, at the top of a log line or one level down. */
const sensitiveFields = [
  'authorization',
  'cookie',
  'token',
  'apiKey',
  'key',
  'secret',
  'signingSecret',
  'password',
  'email',
  'phone',
  'invitee',
  'inviter',
  'inviteeName',
  'displayName',
  'joinCode',
];

/** `pretty` for a person at a terminal; `json` for log collectors, as in production. */
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when it is set; otherwise readable lines on a terminal and JSON anywhere else. */
export function logFormat(configured: LogFormat | undefined, stdout: { isTTY?: boolean } = process.stdout): LogFormat {
  return configured ?? (stdout.isTTY ? 'pretty' : 'json');
}

/** One readable line per entry, its fields after it; the same redaction applies before it is written. */
function prettyStream(destination: DestinationStream | undefined): DestinationStream {
  return pinoPretty({
    colorize: destination === undefined,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,name',
    sync: true,
    ...(destination && { destination }),
  });
}

/**
 * Structured logs, JSON unless `format` is `pretty`. Redaction is a second line of defence: code should
 * not log tokens, keys or personal data in the first place. A person's `name`
 * goes with `invitee`/`inviter`; alone it is also the logger's own name.
 */
export function createLogger(
  level: string,
  name = 'inviteflow',
  destination?: DestinationStream,
  format: LogFormat = 'json',
): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: [...sensitiveFields, ...sensitiveFields.map((field) => `*.${field}`), 'req.headers', 'res.headers'],
        censor: '[redacted]',
      },
      serializers: { err: loggableError },
    },
    format === 'pretty' ? prettyStream(destination) : destination,
  );
}
