import type { Invitation, Page } from 'inviteflow/client';
import { z } from 'zod';
import { invitationWorkflowId } from '../domain/invitation';
import { listInvitationsQuerySchema } from '../domain/invitation-input';
import { devPorts } from '../runtime/dev-stack';
import {
  checkedOptions,
  connectionOptions,
  connectionUsage,
  fields,
  operatorClient,
  parseCommandLine,
  positionalsOf,
  print,
  runCommandGroup,
  table,
  type OperatorIo,
} from './operator';

const usage = `usage: inviteflow invitations <command> --workspace W [options]

Finds an invitation, its history and its sends, through a running API.

  list --workspace W [--status S] [--email E | --phone P] [--limit N] [--cursor C]
                         the workspace's invitations, newest first
  show --workspace W ID  one invitation and its events
  resend --workspace W ID [--by USER]
                         sends it again, with a new expiry
  revoke --workspace W ID [--by USER]
                         withdraws it: its link stops working

inviteflow invitations <command> --help lists a command's options.
Exit code: 0 done, 1 the API refused (its problem's code on stderr), 2 bad usage.
`;

const commandUsage = {
  list: `usage: inviteflow invitations list --workspace W [options]

  --workspace W          the workspace (required)
  --status S             only invitations in this status, e.g. pending, expired
  --email E              only this person's, by email (case-insensitive)
  --phone P              only this person's, by phone in international form (+33612345678)
  --limit N              at most N invitations (1-200, default 50)
  --cursor C             the next page, as the previous one names it
${connectionUsage}
`,
  show: `usage: inviteflow invitations show --workspace W [options] ID

  --workspace W          the invitation's workspace (required)
${connectionUsage}

The link to its run in the Temporal UI uses $TEMPORAL_UI_URL (default
http://localhost:8233, the UI of \`inviteflow start\`) and $TEMPORAL_NAMESPACE.
`,
  resend: `usage: inviteflow invitations resend --workspace W [options] ID

  --workspace W          the invitation's workspace (required)
  --by USER              who resends, as its history records it
${connectionUsage}
`,
  revoke: `usage: inviteflow invitations revoke --workspace W [options] ID

  --workspace W          the invitation's workspace (required)
  --by USER              who revokes, as its history records it
${connectionUsage}
`,
};

type Command = keyof typeof commandUsage;

const optionSpec = {
  list: {
    ...connectionOptions,
    workspace: { type: 'string' },
    status: { type: 'string' },
    email: { type: 'string' },
    phone: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
  },
  show: { ...connectionOptions, workspace: { type: 'string' } },
  resend: { ...connectionOptions, workspace: { type: 'string' }, by: { type: 'string' } },
  revoke: { ...connectionOptions, workspace: { type: 'string' }, by: { type: 'string' } },
} as const;

const workspaceOption = z.object({ workspace: z.string({ error: 'is required' }).min(1) });

function invitee(invitation: Invitation): string | null {
  const contacts = [invitation.invitee.email, invitation.invitee.phone].filter((contact) => contact !== null);
  if (contacts.length > 0) return contacts.join(' / ');
  return invitation.erasedAt ? '(erased)' : null;
}

function listed(page: Page<Invitation>): string {
  const rows = page.data.map((invitation) => [
    invitation.id,
    invitation.status,
    invitation.channels.join(','),
    invitee(invitation),
    invitation.sendCount,
    invitation.createdAt,
    invitation.expiresAt,
  ]);
  const lines = [table(['id', 'status', 'channels', 'invitee', 'sendCount', 'createdAt', 'expiresAt'], rows)];
  if (page.nextCursor) lines.push(`more: --cursor ${page.nextCursor}`);
  return lines.join('\n');
}

function summary(invitation: Invitation): string {
  return fields([
    ['id', invitation.id],
    ['workspace', invitation.workspaceId],
    ['status', invitation.status],
    ['email', invitation.invitee.email],
    ['phone', invitation.invitee.phone],
    ['name', invitation.invitee.name],
    ['userId', invitation.invitee.userId],
    ['roles', invitation.roles.join(',')],
    ['groups', invitation.groups.join(',') || null],
    ['channels', invitation.channels.join(',')],
    ['inviter', invitation.inviter.userId],
    ['sendCount', invitation.sendCount],
    ['lastSentAt', invitation.lastSentAt],
    ['createdAt', invitation.createdAt],
    ['expiresAt', invitation.expiresAt],
    ['acceptedAt', invitation.acceptedAt],
    ['acceptedBy', invitation.acceptedBy],
    ['erasedAt', invitation.erasedAt],
  ]);
}

/** Where the Temporal UI shows the invitation's run: operators read its full history and payloads there. */
function temporalHint(invitation: Invitation, env: NodeJS.ProcessEnv): string {
  const workflowId = invitationWorkflowId(invitation.id);
  const ui = (env.TEMPORAL_UI_URL ?? `http://localhost:${devPorts.temporalUi}`).replace(/\/+$/, '');
  const namespace = env.TEMPORAL_NAMESPACE ?? 'default';
  return `Temporal workflow ${workflowId}: ${ui}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

function shown(invitation: Invitation, env: NodeJS.ProcessEnv): string {
  const events = invitation.events.map((event) => [
    event.seq,
    event.type,
    event.at,
    event.by,
    [event.detail, event.method, event.messageId && `message ${event.messageId}`].filter(Boolean).join(' ') || null,
  ]);
  return [
    summary(invitation),
    'Events:',
    table(['seq', 'type', 'at', 'by', 'detail'], events),
    temporalHint(invitation, env),
  ].join('\n');
}

async function run(command: Command, argv: string[], io: OperatorIo): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, optionSpec[command]);
  if (values.help) {
    io.stdout.write(commandUsage[command]);
    return;
  }
  const { workspace } = checkedOptions(workspaceOption, values);
  const client = operatorClient(values, io);
  const json = values.json ?? false;
  if (command === 'list') {
    positionalsOf(positionals, []);
    const query = checkedOptions(listInvitationsQuerySchema, values);
    print(io, json, await client.invitations.list(workspace, query), listed);
    return;
  }
  const [id] = positionalsOf(positionals, ['ID']) as [string];
  if (command === 'show') {
    print(io, json, await client.invitations.get(workspace, id), (invitation) => shown(invitation, io.env));
    return;
  }
  const by = 'by' in values && typeof values.by === 'string' ? values.by : undefined;
  const done = await client.invitations[command](workspace, id, { by });
  print(io, json, done, (invitation) => `${command === 'resend' ? 'Resent' : 'Revoked'}:\n${summary(invitation)}`);
}

/** `inviteflow invitations list|show|resend|revoke`: answers the exit code. */
export const runInvitations = runCommandGroup('invitations', usage, commandUsage, run);
