import { z } from 'zod';
import { trimmedText } from './text';
import { parseDuration } from './duration';
import { invitationCapsSchema } from './invitation-caps';
import { domainName } from './domain-name';

export const channels = ['email', 'sms'] as const;
export const channelSchema = z.enum(channels);
export type Channel = z.infer<typeof channelSchema>;

const roleName = trimmedText(1, 64);

const durationText = z
  .string()
  .trim()
  .refine((text) => parseDuration(text) !== undefined, { message: 'must be a duration such as "7d", "36h" or "90m"' });

const intervalText = z
  .string()
  .trim()
  .refine((text) => parseDuration(text, { allowZero: true }) !== undefined, {
    message: 'must be a duration such as "1m" or "30s", or "0s" for none',
  });

/** More would be nagging rather than reminding. */
export const maxReminders = 5;

function isAscending(durations: string[]): boolean {
  const values = durations.map((text) => parseDuration(text) ?? 0);
  return values.every((value, index) => index === 0 || value > (values[index - 1] ?? 0));
}

/** A URL of the host's with `{token}` in it, where the invitation token goes. */
const tokenUrl = z
  .url({ protocol: /^https?$/ })
  .refine((url) => url.includes('{token}'), { message: 'must contain {token}' })
  .meta({ pattern: '^https?://[^/?#].*\\{token\\}' });

export const workspaceSettingsSchema = z
  .object({
    invitationTtl: durationText.default('7d'),
    /** The least time between two sends of one invitation ("0s": no limit). */
    resendInterval: intervalText.default('1m'),
    /** Reminder emails while pending, each this long after the latest send; those at or after the expiry never go. */
    reminders: z
      .array(durationText)
      .max(maxReminders)
      .refine(isAscending, { message: 'must be in ascending order, each once' })
      .default([]),
    inviterRoles: z.array(roleName).min(1).default(['admin']),
    /**
     * Which roles an inviter role may grant, e.g. `{"manager": ["member"]}`. An
     * inviter role not listed grants every role.
     */
    grants: z.record(roleName, z.array(roleName)).default({}),
    roles: z.array(roleName).min(1).default(['admin', 'member']),
    defaultRole: roleName.default('member'),
    codeJoinRole: roleName.default('member'),
    seatLimit: z.number().int().positive().nullable().default(null),
    /** Caps on inviting, counted in PostgreSQL so every API process sees the same counts; all off by default. */
    caps: invitationCapsSchema,
    /** Where invitees land; `{token}` is replaced by the invitation token. `null`: the hosted invitation page. */
    acceptUrl: tokenUrl.nullable().default(null),
    /**
     * Where Accept on the hosted invitation page goes (a 303), `{token}`
     * replaced: the host signs the person in or up, then calls
     * `POST /v1/invitations/accept`.
     */
    signupUrl: tokenUrl.nullable().default(null),
    /** The host's page for shareable invite links, `{token}` replaced: each link's `url` and QR code. */
    linkUrl: tokenUrl.nullable().default(null),
    /** The longest a shareable invite link may live, and how long it lives unless its `expiresAt` says. */
    linkTtlMax: durationText.default('30d'),
    /** How long before a guest membership ends `member.expiring` goes out. */
    membershipExpiryWarning: durationText.default('3d'),
    /** How the hosted invitation page looks besides the workspace's name. */
    branding: z
      .object({
        /** Shown at the top of the page; https only, so the page never mixes content. */
        logoUrl: z
          .url({ protocol: /^https$/ })
          .max(2048)
          .meta({ pattern: '^https://[^/?#]' })
          .nullable()
          .default(null),
        /** The buttons' colour; their text is black or white, whichever reads better on it. */
        accentColor: z
          .string()
          .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as "#1a73e8"')
          .nullable()
          .default(null),
      })
      .default({ logoUrl: null, accentColor: null }),
    locale: trimmedText(2, 16).default('en'),
    channels: z.array(channelSchema).default(['email']),
    /**
     * Where a message goes when its channel refuses it for good, e.g.
     * `{"sms": "email"}`: an SMS that Twilio could not deliver is emailed, if
     * the invitee has an address and was not emailed already.
     */
    fallback: z
      .partialRecord(channelSchema, channelSchema)
      .superRefine((pairs, ctx) => {
        for (const [from, to] of Object.entries(pairs)) {
          if (from === to) ctx.addIssue({ code: 'custom', path: [from], message: 'cannot fall back to itself' });
        }
      })
      .default({}),
    /** The host's app, so a printed invitation can say how to install or open it; `null` points at the link only. */
    app: z
      .object({
        name: trimmedText(1, 100),
        url: z.url({ protocol: /^https?$/ }).max(2048),
      })
      .nullable()
      .default(null),
    /** Only a user whose verified email is the invited address may accept (the host vouches for it). */
    requireEmailMatch: z.boolean().default(false),
    /** A member without an inviter role who invites makes a request, for an inviter to approve, instead of being refused. */
    allowInviteRequests: z.boolean().default(false),
    /**
     * Users who register with a verified email of one of these domains join
     * (`join`) or ask to (`request`: an inviter approves), with `role`. Set
     * with a platform key: the host vouches that the workspace owns them.
     */
    autoJoin: z
      .object({
        domains: z.array(domainName).min(1).max(50),
        mode: z.enum(['join', 'request']),
        role: roleName,
      })
      .nullable()
      .default(null),
  })
  .superRefine((settings, ctx) => {
    for (const [path, role] of [
      [['defaultRole'], settings.defaultRole],
      [['codeJoinRole'], settings.codeJoinRole],
      ...(settings.autoJoin ? [[['autoJoin', 'role'], settings.autoJoin.role] as const] : []),
    ] as const) {
      if (!settings.roles.includes(role)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path],
          message: `must be one of the workspace roles (got "${role}")`,
        });
      }
    }
    for (const [granter, granted] of Object.entries(settings.grants)) {
      if (!settings.inviterRoles.includes(granter)) {
        ctx.addIssue({
          code: 'custom',
          path: ['grants', granter],
          message: `"${granter}" is not one of the inviterRoles`,
        });
      }
      granted.forEach((role, index) => {
        if (!settings.roles.includes(role)) {
          ctx.addIssue({
            code: 'custom',
            path: ['grants', granter, index],
            message: `must be one of the workspace roles (got "${role}")`,
          });
        }
      });
    }
  });

export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

export const workspaceIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'must be 1-64 letters, digits, "_", "-" or "."');

export const upsertWorkspaceSchema = z.object({
  name: trimmedText(1, 200),
  settings: workspaceSettingsSchema.default(workspaceSettingsSchema.parse({})),
});

export type UpsertWorkspace = z.infer<typeof upsertWorkspaceSchema>;

export const workspaceViewSchema = z
  .object({
    id: workspaceIdSchema,
    name: z.string(),
    settings: workspaceSettingsSchema,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Workspace' });

export type Workspace = z.infer<typeof workspaceViewSchema>;

/** The hosted invitation page's path; the link sent is this with `?token=`. */
export const invitationPagePath = '/invitations/accept';

/** A URL template with the token in place of `{token}`. */
export function withToken(template: string, token: string): string {
  return template.replaceAll('{token}', encodeURIComponent(token));
}

export function acceptLink(settings: WorkspaceSettings, publicBaseUrl: string, token: string): string {
  return withToken(
    settings.acceptUrl ?? `${publicBaseUrl.replace(/\/$/, '')}${invitationPagePath}?token={token}`,
    token,
  );
}
