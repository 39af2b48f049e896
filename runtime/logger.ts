import pino, { type DestinationStream, type Logger } from 'pino';
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

/**
 * Structured JSON logs. Redaction is a second line of defence: code should
 * not log tokens, keys or personal data in the first place. A person's `name`
 * goes with `invitee`/`inviter`; alone it is also the logger's own name.
 */
export function createLogger(level: string, name = 'inviteflow', destination?: DestinationStream): Logger {
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
    destination,
  );
}
