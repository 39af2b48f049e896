import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { messageIdDomain } from '../domain/message-id';
import { parseDuration } from '../domain/duration';
import type { AttemptLimits } from '../domain/rate-limit';
import { isNetwork } from '../domain/webhook-targets';

const port = z
  .string()
  .regex(/^\d+$/, 'must be a port number')
  .transform(Number)
  .pipe(z.number().int().min(0).max(65535));
const url = (protocols: RegExp) => z.url({ protocol: protocols });
const wholeNumber = (min: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min));
const attemptCap = wholeNumber(1);
/** A comma-separated list, items trimmed and empty ones dropped; unset is an empty list. */
const commaList = z
  .string()
  .optional()
  .transform((text = '') =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

/**
 * Every setting inviteflow reads, by its environment name. Unset service
 * addresses (`TEMPORAL_ADDRESS`, `DATABASE_URL`, `SMTP_URL`) mean "embedded"
 * to `inviteflow start`; `api` and `worker` require them.
 */
export const configSchema = z.object({
  PORT: port.default(3000),
  PUBLIC_BASE_URL: url(/^https?$/).optional(),
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d+$/, 'must be host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  /**
   * What `inviteflow start` runs when TEMPORAL_ADDRESS is unset: the CLI's
   * dev server (one SQLite file), or the Temporal server itself on the
   * stack's PostgreSQL (built by `npm run temporal:install -- --server`).
   */
  TEMPORAL_SERVER: z.enum(['dev', 'server']).default('dev'),
  /** Temporal Cloud's API key (or any frontend behind API-key auth); implies TLS. */
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  /** Connects with TLS to a frontend whose certificate the system trusts, without a client certificate. */
  TEMPORAL_TLS: z.enum(['true', 'false']).default('false'),
  /** mTLS: the client certificate and key files (PEM), both or neither; implies TLS. */
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('inviteflow'),
  /** How long an API request waits on Temporal before answering 503. */
  TEMPORAL_REQUEST_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, 'must be a number of milliseconds')
    .transform(Number)
    .pipe(z.number().int().min(100).max(120_000))
    .default(10_000),
  DATABASE_URL: url(/^postgres(ql)?$/).optional(),
  SMTP_URL: url(/^smtps?$/).optional(),
  MAIL_FROM: z.string().min(3).default('inviteflow <no-reply@inviteflow.local>'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'must be an account SID: AC and 32 hexadecimal digits')
    .optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_API_URL: url(/^https?$/).optional(),
  /** SNS topics (comma-separated ARNs) whose SES notifications are taken; unset, the SES endpoint answers 404. */
  SES_SNS_TOPIC_ARNS: commaList.pipe(
    z.array(
      z
        .string()
        .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be comma-separated SNS topic ARNs'),
    ),
  ),
  /** Origins (comma-separated) besides SNS's regional hosts that serve its certificates: an SNS-compatible service. */
  SNS_SERVICE_ORIGINS: commaList.refine(
    (origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
    'must be comma-separated origins such as https://sns.example.com (scheme, host and port only)',
  ),
  /** The verification key of SendGrid's signed Event Webhook (base64, as SendGrid shows it); unset, 404. */
  SENDGRID_WEBHOOK_PUBLIC_KEY: z
    .string()
    .refine(
      (key) => ecPublicKey(key) !== undefined,
      'must be the base64 ECDSA public key SendGrid shows for the signed webhook',
    )
    .optional(),
  /** The basic-auth credentials in the URL of Postmark's webhooks, both or neither; unset, 404. */
  POSTMARK_WEBHOOK_USER: z
    .string()
    .regex(/^[^:]{1,100}$/, 'must be up to 100 characters without a colon')
    .optional(),
  POSTMARK_WEBHOOK_PASSWORD: z.string().min(16, 'must be at least 16 characters').max(200).optional(),
  /** The address the API listens on: every interface unless set, and 127.0.0.1 under `inviteflow start`. */
  HOST: z.string().trim().min(1).optional(),
  INVITEFLOW_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  INVITEFLOW_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Failed tries at workspace codes and invitation tokens within the window:
   * per visitor address, per user, per workspace (or API key, when the try
   * names no workspace) and in all. The workspace cap stays below the global
   * one, so no single workspace can fill it for the others.
   */
  JOIN_ATTEMPTS_PER_VISITOR: attemptCap.default(10),
  JOIN_ATTEMPTS_PER_USER: attemptCap.default(10),
  JOIN_ATTEMPTS_PER_WORKSPACE: attemptCap.default(100),
  JOIN_ATTEMPTS_GLOBAL: attemptCap.default(1000),
  JOIN_ATTEMPT_WINDOW: z
    .string()
    .refine((text) => parseDuration(text) !== undefined, 'must be a duration such as "15m" or "1h"')
    .default('15m'),
  /** Private networks (comma-separated CIDRs) webhooks may still be delivered to; by default none. */
  WEBHOOK_ALLOWED_NETWORKS: commaList.pipe(
    z.array(z.string().refine(isNetwork, 'must be comma-separated IP addresses or CIDRs such as 10.0.0.0/8')),
  ),
  /**
   * Keys of the payload codec, `id:base64-of-32-bytes` comma-separated: the first encrypts, all decrypt.
   * Unset: one key derived from INVITEFLOW_SECRET (id `s1`), which also decrypts when this is set.
   */
  PAYLOAD_KEYS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      if (text === undefined) return undefined;
      const keys = text
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean)
        .map((entry) => /^([A-Za-z0-9_.-]{1,32}):([A-Za-z0-9+/]{43}=)$/.exec(entry));
      if (keys.length === 0 || keys.some((match) => !match)) {
        // The value is a secret: the message never repeats it.
        ctx.addIssue({
          code: 'custom',
          message: 'must be comma-separated id:key pairs, each key 32 bytes in base64 (openssl rand -base64 32)',
        });
        return z.NEVER;
      }
      const ids = keys.map((match) => match![1]!);
      if (ids.includes('s1')) {
        ctx.addIssue({
          code: 'custom',
          message: 'the key id s1 is reserved for the key derived from INVITEFLOW_SECRET',
        });
      }
      if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', message: 'key ids must be unique' });
      return keys.map((match) => ({ id: match![1]!, key: new Uint8Array(Buffer.from(match![2]!, 'base64')) }));
    }),
  /** Browser origins (comma-separated) allowed to call the codec endpoint, e.g. the Temporal UI's. */
  CODEC_CORS_ORIGINS: commaList.refine(
    (origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
    'must be comma-separated origins such as https://temporal.example.com (scheme, host and port only)',
  ),
  /**
   * How many workflows a worker keeps in memory between their tasks. An
   * invitation's workflow is busy for seconds around each event and idle for
   * days between them, so only the ones being created or sent pay for their
   * place; one evicted is replayed from its (short) history on its next task.
   * At some 2 MB each, the SDK's default (grown with the heap, about 2,300
   * here) ran a worker out of heap, and 500 held 1.3 GB where 100 held 550 MB
   * with creation as fast (bench:scale).
   */
  WORKER_MAX_CACHED_WORKFLOWS: wholeNumber(0).default(100),
  /** Where `inviteflow worker` serves /metrics (its own and the Temporal SDK's); the API serves them on PORT. */
  METRICS_PORT: port.default(9464),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Unset: readable lines on a terminal, JSON anywhere else. */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The EC public key in base64 DER (SPKI), as SendGrid shows it; `undefined` for anything else. */
function ecPublicKey(base64: string): KeyObject | undefined {
  try {
    const key = createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
    return key.asymmetricKeyType === 'ec' ? key : undefined;
  } catch {
    return undefined;
  }
}

/** Reads the environment; a wrong value stops the start with a message naming the variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = configSchema.safeParse(present);
  const issues = result.success
    ? crossFieldIssues(result.data)
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  if (result.success && issues.length === 0) return result.data;
  throw new ConfigError(`invalid configuration:\n${issues.map((line) => `  ${line}`).join('\n')}`);
}

/** Rules between settings, checked once each setting is valid on its own. */
function crossFieldIssues(config: Config): string[] {
  const issues: string[] = [];
  if (config.JOIN_ATTEMPTS_PER_WORKSPACE >= config.JOIN_ATTEMPTS_GLOBAL) {
    issues.push('JOIN_ATTEMPTS_PER_WORKSPACE: must be below JOIN_ATTEMPTS_GLOBAL, or one workspace could fill it');
  }
  if (Boolean(config.POSTMARK_WEBHOOK_USER) !== Boolean(config.POSTMARK_WEBHOOK_PASSWORD)) {
    issues.push('POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD: set both or neither');
  }
  return issues;
}

/** The settings a production process (`inviteflow api|worker`) cannot run without. */
export function requireSettings<K extends keyof Config>(
  config: Config,
  names: K[],
): Config & Required<Pick<Config, K>> {
  const missing = names.filter((name) => config[name] === undefined);
  if (missing.length > 0) throw new ConfigError(`missing configuration: ${missing.join(', ')} must be set`);
  return config as Config & Required<Pick<Config, K>>;
}

/** What the worker sends SMS with and the API checks Twilio's callbacks with. */
export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** A phone number, an alphanumeric sender or a Messaging Service SID (`MG...`). */
  from: string;
  /** Another base URL than Twilio's own, e.g. a Twilio-compatible gateway. */
  apiUrl?: string;
}

/** `null` when SMS is not configured; half a configuration is an error, not a silent "no SMS". */
export function twilioSettings(config: Config): TwilioSettings | null {
  const { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_FROM, TWILIO_API_URL } = config;
  if (!TWILIO_ACCOUNT_SID && !TWILIO_AUTH_TOKEN && !TWILIO_FROM) return null;
  const {
    TWILIO_ACCOUNT_SID: accountSid,
    TWILIO_AUTH_TOKEN: authToken,
    TWILIO_FROM: from,
  } = requireSettings(config, ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM']);
  return { accountSid, authToken, from, ...(TWILIO_API_URL && { apiUrl: TWILIO_API_URL }) };
}

export function publicBaseUrl(config: Config): string {
  return config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
}

export function joinAttemptLimits(config: Config): AttemptLimits {
  return {
    caps: {
      visitor: config.JOIN_ATTEMPTS_PER_VISITOR,
      user: config.JOIN_ATTEMPTS_PER_USER,
      workspace: config.JOIN_ATTEMPTS_PER_WORKSPACE,
      global: config.JOIN_ATTEMPTS_GLOBAL,
    },
    windowMs: parseDuration(config.JOIN_ATTEMPT_WINDOW)!,
  };
}

/** What the API checks email providers' event webhooks with; a provider left `null` is not configured (404). */
export interface EmailEventSettings {
  /** The domain of the Message-IDs this deployment sends (MAIL_FROM's): reports on other mail are ignored. */
  messageIdDomain: string;
  ses: { topicArns: readonly string[]; serviceOrigins: readonly string[] } | null;
  sendgrid: { publicKey: KeyObject } | null;
  postmark: { user: string; password: string } | null;
}

export function emailEventSettings(config: Config): EmailEventSettings {
  const { SES_SNS_TOPIC_ARNS, SENDGRID_WEBHOOK_PUBLIC_KEY, POSTMARK_WEBHOOK_USER, POSTMARK_WEBHOOK_PASSWORD } = config;
  return {
    messageIdDomain: messageIdDomain(config.MAIL_FROM),
    ses:
      SES_SNS_TOPIC_ARNS.length > 0
        ? { topicArns: SES_SNS_TOPIC_ARNS, serviceOrigins: config.SNS_SERVICE_ORIGINS }
        : null,
    // Checked by the schema: a key that loaded is an EC key.
    sendgrid: SENDGRID_WEBHOOK_PUBLIC_KEY ? { publicKey: ecPublicKey(SENDGRID_WEBHOOK_PUBLIC_KEY)! } : null,
    postmark:
      POSTMARK_WEBHOOK_USER && POSTMARK_WEBHOOK_PASSWORD
        ? { user: POSTMARK_WEBHOOK_USER, password: POSTMARK_WEBHOOK_PASSWORD }
        : null,
  };
}
