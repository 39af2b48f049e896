import pino, { type Logger } from 'pino';

/**
 * Structured JSON logs. Redaction is a second line of defence: code should
 * not log tokens, keys or personal data in the first place.
 */
export function createLogger(level: string, name = 'inviteflow'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.authorization', '*.token', '*.email', '*.phone', '*.secret', 'req.headers', '*.invitee'],
      censor: '[redacted]',
    },
  });
}
