import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { EmailEventSettings, TwilioSettings } from '../config/config';
import type { AttemptLimits } from '../domain/rate-limit';
import type { PayloadKey } from '../runtime/payload-codec';

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
  /** Checks email providers' event webhooks, and which Message-IDs are this deployment's. */
  emailEvents: EmailEventSettings;
  /** Caps on failed attempts to join with a workspace code. */
  joinAttempts: AttemptLimits;
  /** Where the Temporal SDK serves its worker metrics, when a worker runs in this process: added to `/metrics`. */
  sdkMetricsUrl?: string;
  /** Development only (`inviteflow start`): the hosted page accepts as a typed user id where no `signupUrl` is set. */
  devAcceptForm?: boolean;
  /** The codec endpoint the Temporal UI and CLI decode payloads through. */
  codec: CodecEndpointSettings;
}

export interface CodecEndpointSettings {
  /** The payload keys of the deployment, as its workers and clients have them. */
  keys: readonly PayloadKey[];
  /** CODEC_CORS_ORIGINS: browser origins (a Temporal UI) allowed to call it. */
  corsOrigins: readonly string[];
  /** Development only: origins whose requests from this machine need no API key (the embedded Temporal UI). */
  keylessLoopbackOrigins?: readonly string[];
}
