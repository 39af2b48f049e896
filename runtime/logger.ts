import pino, { type DestinationStream, type Logger } from 'pino';
import { loggableError } from '../db/errors';

/**
 * Structured JSON logs. Redaction is a second line of defence: code should
 * not log tokens, keys or personal data in the first place.
 */
export function createLogger(level: string, name = 'inviteflow', destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      redact: {
        paths: ['*.authorization', '*.token', '*.email', '*.phone', '*.secret', 'req.headers', '*.invitee'],
        censor: '[redacted]',
      },
      serializers: { err: loggableError },
    },
    destination,
  );
}
