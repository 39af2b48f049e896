import type { MikroORM } from '@mikro-orm/postgresql';
import type { Transporter } from 'nodemailer';
import { z } from 'zod';
import { configSchema } from '../config/config';
import { parseInput } from './validation';

const env = configSchema.shape;

/** Duck-typed rather than `instanceof`: the host's copy of the package may not be inviteflow's. */
const opened = <T>(methods: string[], message: string) =>
  z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((name) => typeof (value as Record<string, unknown>)[name] === 'function'),
    message,
  );

/** What inviteflow's activities need, in a host's words; each the same rule as its environment variable. */
export const inviteflowPluginOptionsSchema = z
  .object({
    /** PostgreSQL for the projection (DATABASE_URL); the plugin opens, migrates and closes it. */
    databaseUrl: env.DATABASE_URL,
    /** Or the host's own opened MikroORM on inviteflow's entities; migrated, never closed by the plugin. */
    orm: opened<MikroORM>(['close', 'getMigrator'], 'must be an opened MikroORM (@mikro-orm/postgresql)').optional(),
    /** The SMTP relay (SMTP_URL); the plugin opens a pooled transport and closes it. */
    smtpUrl: env.SMTP_URL,
    /** Or the host's own nodemailer transport, never closed by the plugin. */
    transport: opened<Transporter>(['sendMail'], 'must be a nodemailer transport').optional(),
    mailFrom: env.MAIL_FROM,
    /** INVITEFLOW_SECRET: signs invitation links; the same as the inviteflow API's, if one runs. */
    secret: env.INVITEFLOW_SECRET.unwrap(),
    /** Where invitation links point (PUBLIC_BASE_URL) unless a workspace sets its own `acceptUrl`. */
    publicBaseUrl: env.PUBLIC_BASE_URL.unwrap(),
    /** SMS through Twilio; without it an SMS invitation records a delivery failure. */
    twilio: z
      .object({
        accountSid: env.TWILIO_ACCOUNT_SID.unwrap(),
        authToken: z.string().min(1),
        from: z.string().min(1),
        apiUrl: env.TWILIO_API_URL,
      })
      .optional(),
  })
  .superRefine((options, ctx) => {
    for (const [url, given] of [
      ['databaseUrl', 'orm'],
      ['smtpUrl', 'transport'],
    ] as const) {
      if ((options[url] === undefined) === (options[given] === undefined)) {
        ctx.addIssue({ code: 'custom', path: [url], message: `give exactly one of ${url} and ${given}` });
      }
    }
  });

export type InviteflowPluginOptions = z.input<typeof inviteflowPluginOptionsSchema>;
export type ValidInviteflowPluginOptions = z.output<typeof inviteflowPluginOptionsSchema>;

export function parsePluginOptions(options: InviteflowPluginOptions): ValidInviteflowPluginOptions {
  return parseInput(inviteflowPluginOptionsSchema, options, 'inviteflow plugin options');
}
