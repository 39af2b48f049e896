import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { firstMatching } from './first-matching';

const MAX_KEPT_MESSAGES = 1000;
const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
const DEFAULT_WAIT_MS = 10_000;

export interface CaughtMail {
  id: string;
  messageId: string | null;
  /** The From header as written (may include a display name). */
  from: string;
  /** Envelope recipients, so Bcc'd addresses are included. */
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  receivedAt: string;
  /** Header names lower-cased; repeated headers joined with ", ". */
  headers: Record<string, string>;
}

export interface MailCatcherOptions {
  /** 0 or omitted picks a free port. */
  port?: number;
  host?: string;
}

export interface MailCatcher {
  /** `smtp://host:port`, usable as a nodemailer transport URL. */
  url: string;
  port: number;
  /** Oldest first; only the newest 1000 are kept. */
  messages(): CaughtMail[];
  /** First caught mail matching `predicate`, already received or yet to come. */
  waitFor(predicate: (mail: CaughtMail) => boolean, timeoutMs?: number): Promise<CaughtMail>;
  clear(): void;
  stop(): Promise<void>;
}

// The message names no addresses: it ends up in CI logs and test reports.
export class MailWaitTimeoutError extends Error {
  constructor(timeoutMs: number, caughtCount: number) {
    super(`No matching mail arrived within ${timeoutMs} ms (${caughtCount} caught mails did not match)`);
    this.name = 'MailWaitTimeoutError';
  }
}

/** A real SMTP server that keeps what it receives in memory, for tests and local development. */
export async function startMailCatcher(options: MailCatcherOptions = {}): Promise<MailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const caught: CaughtMail[] = [];
  const arrivals = new EventEmitter<{ mail: [CaughtMail] }>();

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_MESSAGE_BYTES,
    disableReverseLookup: true,
    closeTimeout: 1_000,
    logger: false,
    onData(stream, session, callback) {
      catchMail(stream, session).then(
        (mail) => {
          caught.push(mail);
          if (caught.length > MAX_KEPT_MESSAGES) caught.shift();
          arrivals.emit('mail', mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  // Later errors belong to single connections (a client hanging up mid-session); the
  // sender already sees those, and an unhandled 'error' event would crash the host process.
  server.on('error', () => {});
  const address = server.server.address();
  if (address === null || typeof address !== 'object')
    throw new Error(`Mail catcher has no TCP address: ${String(address)}`);

  return {
    url: `smtp://${host}:${address.port}`,
    port: address.port,
    messages: () => [...caught],
    waitFor: (predicate, timeoutMs = DEFAULT_WAIT_MS) =>
      firstMatching(
        caught,
        arrivals,
        'mail',
        predicate,
        timeoutMs,
        () => new MailWaitTimeoutError(timeoutMs, caught.length),
      ),
    clear() {
      caught.length = 0;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function catchMail(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<CaughtMail> {
  const parsed = await simpleParser(stream);
  if (stream.sizeExceeded) {
    throw Object.assign(new Error(`Message exceeds ${MAX_MESSAGE_BYTES} bytes`), { responseCode: 552 });
  }
  return {
    id: randomUUID(),
    messageId: parsed.messageId ?? null,
    from: parsed.from?.text ?? '',
    to: session.envelope.rcptTo.map((recipient) => recipient.address),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    html: parsed.html === false ? null : parsed.html,
    receivedAt: new Date().toISOString(),
    headers: flattenHeaders(parsed),
  };
}

function flattenHeaders(parsed: ParsedMail): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const { key, line } of parsed.headerLines) {
    // `line` is the raw "Name: value" line, possibly folded across several lines.
    const value = line
      .slice(line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    const existing = headers[key];
    headers[key] = existing === undefined ? value : `${existing}, ${value}`;
  }
  return headers;
}
