import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { TwilioSettings } from '../config/config';
import type { AttemptLimits } from '../domain/rate-limit';

/** What every router needs, built once by the process that serves the API. */
export interface ApiContext {
  orm: MikroORM;
  temporal: Client;
  taskQueue: string;
  /** How long a request waits on Temporal before answering 503. */
  temporalTimeoutMs: number;
  log: Logger;
  /** INVITEFLOW_SECRET: signs invitation tokens and seals webhook secrets. */
  secret: string;
  publicBaseUrl: string;
  /** Checks the signature of Twilio's status callbacks; `null` when SMS is not configured. */
  twilio: TwilioSettings | null;
  /** Caps on failed attempts to join with a workspace code. */
  joinAttempts: AttemptLimits;
}
