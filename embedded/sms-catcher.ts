import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { SegmentedMessage } from 'sms-segments-calculator';
import { getExpectedTwilioSignature } from 'twilio';
import { firstMatching } from './first-matching';

const API_VERSION = '2010-04-01';
const MAX_KEPT_MESSAGES = 1000;
const MAX_KEPT_CALLBACKS = 1000;
const MAX_BODY_CHARS = 1600;
const DEFAULT_WAIT_MS = 10_000;
// Twilio gives up on a status callback after 15 s too.
const CALLBACK_TIMEOUT_MS = 15_000;
const E164 = /^\+[1-9]\d{6,14}$/;
// Twilio's magic test number that it always refuses as a recipient.
const MAGIC_INVALID_TO = '+15005550001';
const DEV_ACCOUNT_SID = `AC${'0'.repeat(31)}1`;
const DEV_AUTH_TOKEN = 'inviteflow-dev-auth-token';
const ERROR_CODE_BY_STATUS: Partial<Record<SmsStatus, number>> = { undelivered: 30003, failed: 30008 };

export type SmsOutcome = 'delivered' | 'undelivered' | 'failed';
export type SmsStatus = 'queued' | 'accepted' | 'sent' | SmsOutcome;

export interface CaughtSms {
  sid: string;
  accountSid: string;
  to: string;
  /** Null when sent through a Messaging Service without a From, as Twilio then picks the sender. */
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  numSegments: number;
  statusCallback: string | null;
  /** Latest status: each change replaces the caught object instead of mutating it. */
  status: SmsStatus;
  errorCode: number | null;
  receivedAt: string;
  sentAt: string | null;
  updatedAt: string;
}

export interface StatusCallbackAttempt {
  messageSid: string;
  status: SmsStatus;
  url: string;
  /** Set when the receiver answered, whatever the status code. */
  responseStatus?: number;
  /** Set when no answer came: connection refused, timeout, catcher stopped. */
  error?: string;
}

export interface SmsCatcherOptions {
  /** 0 or omitted picks a free port. */
  port?: number;
  host?: string;
  accountSid?: string;
  authToken?: string;
  /** Decides the fate of each message as it arrives; delivered by default. */
  outcome?: (to: string) => SmsOutcome;
}

export interface SmsCatcher {
  /** `http://host:port`, the base URL that replaces `https://api.twilio.com`. */
  url: string;
  port: number;
  accountSid: string;
  authToken: string;
  /** Oldest first, each with its latest status; only the newest 1000 are kept. */
  messages(): CaughtSms[];
  /** First caught SMS matching `predicate`, already there or yet to come; checked again on each status change. */
  waitFor(predicate: (sms: CaughtSms) => boolean, timeoutMs?: number): Promise<CaughtSms>;
  /** Oldest first; only the newest 1000 are kept. */
  callbacks(): StatusCallbackAttempt[];
  /** Applies to messages that arrive from now on. */
  setOutcome(outcome: (to: string) => SmsOutcome): void;
  clear(): void;
  /** Also abandons status callbacks still pending. */
  stop(): Promise<void>;
}

// The message names no phone numbers: it ends up in CI logs and test reports.
export class SmsWaitTimeoutError extends Error {
  constructor(timeoutMs: number, caughtCount: number) {
    super(`No matching SMS within ${timeoutMs} ms (${caughtCount} caught messages did not match)`);
    this.name = 'SmsWaitTimeoutError';
  }
}

/** A local stand-in for Twilio's Messages API that keeps what it receives in memory, for tests and local development. */
export async function startSmsCatcher(options: SmsCatcherOptions = {}): Promise<SmsCatcher> {
  const host = options.host ?? '127.0.0.1';
  const accountSid = options.accountSid ?? DEV_ACCOUNT_SID;
  const authToken = options.authToken ?? DEV_AUTH_TOKEN;
  let outcomeOf = options.outcome ?? ((): SmsOutcome => 'delivered');
  // Map order is insertion order, and replacing a value keeps its place: oldest first.
  const caught = new Map<string, CaughtSms>();
  const attempts: StatusCallbackAttempt[] = [];
  const changes = new EventEmitter<{ sms: [CaughtSms] }>();
  const deliveries = new Set<Promise<void>>();
  const stopping = new AbortController();

  const keep = (sms: CaughtSms): void => {
    caught.set(sms.sid, sms);
    if (caught.size > MAX_KEPT_MESSAGES) caught.delete(caught.keys().next().value as string);
    changes.emit('sms', sms);
  };

  const postStatusCallback = async (sms: CaughtSms, url: string): Promise<void> => {
    const params: Record<string, string> = {
      MessageSid: sms.sid,
      SmsSid: sms.sid,
      AccountSid: sms.accountSid,
      To: sms.to,
      MessageStatus: sms.status,
      SmsStatus: sms.status,
      ApiVersion: API_VERSION,
    };
    if (sms.from !== null) params.From = sms.from;
    if (sms.messagingServiceSid !== null) params.MessagingServiceSid = sms.messagingServiceSid;
    if (sms.errorCode !== null) params.ErrorCode = String(sms.errorCode);
    const attempt: StatusCallbackAttempt = { messageSid: sms.sid, status: sms.status, url };
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'User-Agent': 'TwilioProxy/1.1',
          'X-Twilio-Signature': getExpectedTwilioSignature(authToken, url, params),
        },
        body: new URLSearchParams(params),
        redirect: 'manual',
        signal: AbortSignal.any([stopping.signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      // Reading the body to its end hands the connection back to the pool.
      await response.arrayBuffer();
      attempt.responseStatus = response.status;
    } catch (error) {
      attempt.error = describe(error);
    }
    attempts.push(attempt);
    if (attempts.length > MAX_KEPT_CALLBACKS) attempts.shift();
  };

  const deliver = async (queued: CaughtSms, outcome: SmsOutcome): Promise<void> => {
    let sms = queued;
    for (const status of outcome === 'failed' ? (['failed'] as const) : (['sent', outcome] as const)) {
      if (stopping.signal.aborted) return;
      const now = new Date().toISOString();
      sms = {
        ...sms,
        status,
        errorCode: ERROR_CODE_BY_STATUS[status] ?? null,
        sentAt: status === 'sent' ? now : sms.sentAt,
        updatedAt: now,
      };
      // A message dropped by clear() or by the size bound stays dropped.
      if (caught.has(sms.sid)) keep(sms);
      // Sequential, so that the receiver sees 'sent' before the final status, as with Twilio.
      if (sms.statusCallback !== null) await postStatusCallback(sms, sms.statusCallback);
    }
  };

  const createMessage: RequestHandler = (req, res) => {
    const to = formField(req, 'To');
    const from = formField(req, 'From') || null;
    const messagingServiceSid = formField(req, 'MessagingServiceSid') || null;
    const body = formField(req, 'Body');
    const statusCallback = formField(req, 'StatusCallback') || null;
    if (!to) return sendTwilioError(res, 400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to) || to === MAGIC_INVALID_TO)
      return sendTwilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (from === null && messagingServiceSid === null)
      return sendTwilioError(res, 400, 21603, "A 'From' phone number is required.");
    if (!body) return sendTwilioError(res, 400, 21602, 'Message body is required.');
    if (body.length > MAX_BODY_CHARS)
      return sendTwilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (statusCallback !== null && !isHttpUrl(statusCallback))
      return sendTwilioError(res, 400, 21609, 'Invalid StatusCallback url');

    const outcome = outcomeOf(to);
    const now = new Date().toISOString();
    const sms: CaughtSms = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      to,
      from,
      messagingServiceSid,
      body,
      numSegments: new SegmentedMessage(body).segmentsCount,
      statusCallback,
      // Twilio accepts a Messaging Service send before choosing its sender, and says so.
      status: from === null ? 'accepted' : 'queued',
      errorCode: null,
      receivedAt: now,
      sentAt: null,
      updatedAt: now,
    };
    keep(sms);
    res.status(201).json(toResource(sms));
    res.once('close', () => {
      const delivery = deliver(sms, outcome).finally(() => deliveries.delete(delivery));
      deliveries.add(delivery);
    });
  };

  const fetchMessage: RequestHandler = (req, res) => {
    const sms = caught.get(String(req.params.sid));
    if (sms === undefined) return sendNotFound(req, res);
    res.json(toResource(sms));
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(`/${API_VERSION}`, (req, res, next) => {
    if (basicCredentials(req) === `${accountSid}:${authToken}`) return next();
    res.set('WWW-Authenticate', 'Basic realm="Twilio API"');
    sendTwilioError(res, 401, 20003, 'Authenticate');
  });
  app.param('accountSid', (req, res, next, value) => (value === accountSid ? next() : sendNotFound(req, res)));
  app.post(
    `/${API_VERSION}/Accounts/:accountSid/Messages.json`,
    express.urlencoded({ extended: false }),
    createMessage,
  );
  app.get(`/${API_VERSION}/Accounts/:accountSid/Messages/:sid.json`, fetchMessage);
  app.use(sendNotFound);
  // Without this handler express would print the error; the SDK turns the answer into a RestException.
  app.use(((error, _req, res, _next) => {
    sendTwilioError(res, 500, 20500, describe(error));
  }) satisfies ErrorRequestHandler);

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const address = server.address();
  if (address === null || typeof address !== 'object')
    throw new Error(`SMS catcher has no TCP address: ${String(address)}`);

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
    port: address.port,
    accountSid,
    authToken,
    messages: () => [...caught.values()],
    waitFor: (predicate, timeoutMs = DEFAULT_WAIT_MS) =>
      firstMatching(
        caught.values(),
        changes,
        'sms',
        predicate,
        timeoutMs,
        () => new SmsWaitTimeoutError(timeoutMs, caught.size),
      ),
    callbacks: () => [...attempts],
    setOutcome(outcome) {
      outcomeOf = outcome;
    },
    clear() {
      caught.clear();
      attempts.length = 0;
    },
    async stop() {
      stopping.abort();
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
      await Promise.all(deliveries);
    },
  };
}

function formField(req: Request, name: string): string | undefined {
  // Express leaves the body undefined when the request has no form body at all.
  const value = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function basicCredentials(req: Request): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
}

function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
}

function sendTwilioError(res: Response, status: number, code: number, message: string): void {
  res.status(status).json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

function sendNotFound(req: Request, res: Response): void {
  sendTwilioError(res, 404, 20404, `The requested resource ${req.path} was not found`);
}

// The shape of Twilio's Message resource, which the SDK maps onto MessageInstance.
function toResource(sms: CaughtSms): Record<string, unknown> {
  const uri = `/${API_VERSION}/Accounts/${sms.accountSid}/Messages/${sms.sid}.json`;
  return {
    account_sid: sms.accountSid,
    api_version: API_VERSION,
    body: sms.body,
    date_created: rfc2822(sms.receivedAt),
    date_sent: sms.sentAt === null ? null : rfc2822(sms.sentAt),
    date_updated: rfc2822(sms.updatedAt),
    direction: 'outbound-api',
    error_code: sms.errorCode,
    error_message: null,
    from: sms.from,
    messaging_service_sid: sms.messagingServiceSid,
    num_media: '0',
    num_segments: String(sms.numSegments),
    price: null,
    price_unit: 'USD',
    sid: sms.sid,
    status: sms.status,
    subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
    to: sms.to,
    uri,
  };
}

// Twilio writes "+0000" where toUTCString() writes "GMT", and the SDK parses exactly that format.
function rfc2822(iso: string): string {
  return new Date(iso).toUTCString().replace('GMT', '+0000');
}

function describe(error: unknown): string {
  // Duck-typed rather than instanceof: fetch's errors come from Node's own realm, not a test sandbox's.
  const { message, cause } = (error ?? {}) as { message?: unknown; cause?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  // fetch() reports every network failure as "fetch failed" and keeps the reason in `cause`.
  return cause === undefined ? text : `${text}: ${describe(cause)}`;
}
