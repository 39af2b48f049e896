import { defaultChannels } from './channels';
import { parseDuration } from './duration';
import { createInvitation, transition, type InvitationState, type NewInvitation } from './invitation';
import type { CreateInvitationInput } from './invitation-input';
import { inviteOrRequest } from './invite-requests';
import { membershipTerms } from './membership';
import type { Workspace, WorkspaceSettings } from './workspace';

/**
 * What a new invitation keeps from its workspace, so a later change of the
 * settings leaves it as it was made: how long it lives (unless `expiresIn`
 * says), the least time between its sends ("0s": none), its reminders and
 * its fallback channels.
 */
export function keptFromWorkspace(
  settings: WorkspaceSettings,
  expiresIn?: string,
): Pick<NewInvitation, 'ttlMs' | 'resendIntervalMs' | 'reminderOffsetsMs' | 'fallback'> {
  // Settings are validated when stored: each duration parses.
  return {
    ttlMs: parseDuration(expiresIn ?? settings.invitationTtl) ?? 0,
    resendIntervalMs: parseDuration(settings.resendInterval, { allowZero: true }) ?? 0,
    reminderOffsetsMs: settings.reminders.flatMap((text) => parseDuration(text) ?? []),
    fallback: settings.fallback,
  };
}

/**
 * A new invitation as its run starts, and whether its inviter may only ask
 * for it (it then waits for approval).
 */
export interface InvitationToStart extends OpenedInvitation {
  request: boolean;
}

/**
 * The workspace's rules applied to a validated create request: default role,
 * who may invite, channels the invitee can be reached on, TTL and pacing;
 * then its first command, send or request, unless `send: false`.
 * Shared by the API and the plugin's client helpers, so both start the same
 * invitation; the checks that need the database (one open invitation per
 * person, seats) stay with the caller.
 */
export function invitationToStart(
  workspace: Pick<Workspace, 'id' | 'settings'>,
  input: CreateInvitationInput,
  id: string,
  now: Date,
): InvitationToStart {
  const roles = input.roles ?? [workspace.settings.defaultRole];
  const request = inviteOrRequest(workspace.settings, input.inviter, roles) === 'request';
  const invitee = {
    email: input.invitee.email ?? null,
    phone: input.invitee.phone ?? null,
    name: input.invitee.name ?? null,
    userId: input.invitee.userId ?? null,
    phoneConsent: input.invitee.phoneConsent ?? false,
  };
  const invitation = createInvitation(
    {
      id,
      workspaceId: workspace.id,
      invitee,
      roles,
      groups: input.groups,
      channels: input.channels ?? defaultChannels(workspace.settings.channels, invitee),
      inviter: input.inviter,
      locale: input.locale ?? null,
      ...keptFromWorkspace(workspace.settings, input.expiresIn),
      ...(input.membership && { membership: membershipTerms(input.membership, input.inviter.userId) }),
    },
    now,
  );
  return { ...openInvitation(invitation, request ? 'request' : input.send ? 'send' : undefined, now), request };
}

/**
 * A user's request to join a workspace by the domain of their verified
 * email: an invitation to them, asked for in their own name, that waits as
 * `requested` until an inviter approves it, and is then sent to them.
 */
export function joinRequest(
  workspace: Pick<Workspace, 'id' | 'settings'>,
  user: { userId: string; email: string },
  role: string,
  id: string,
  now: Date,
): OpenedInvitation {
  const invitee = { email: user.email, phone: null, name: null, userId: user.userId, phoneConsent: false };
  const invitation = createInvitation(
    {
      id,
      workspaceId: workspace.id,
      invitee,
      roles: [role],
      groups: [],
      channels: defaultChannels(workspace.settings.channels, invitee),
      inviter: { userId: user.userId, roles: [] },
      locale: null,
      ...keptFromWorkspace(workspace.settings),
    },
    now,
  );
  return openInvitation(invitation, 'request', now);
}

/** A new invitation as its run starts: the state it is in, and the ones it went through to get there, oldest first. */
export interface OpenedInvitation {
  invitation: InvitationState;
  earlier: InvitationState[];
}

/**
 * Applies a new invitation's first command, in the inviter's name: `send`
 * (an inviter who may invite, `send: true`), `request` (one who may only ask),
 * or none (`send: false`: it waits as `registered`). The run starts in the
 * state this answers, so its search attributes are right from the start.
 */
export function openInvitation(
  created: InvitationState,
  first: 'send' | 'request' | undefined,
  now: Date,
): OpenedInvitation {
  if (first === undefined) return { invitation: created, earlier: [] };
  return { invitation: transition(created, { type: first, by: created.inviter.userId }, now), earlier: [created] };
}
