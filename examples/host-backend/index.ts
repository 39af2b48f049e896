import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express, type Request } from 'express';
import {
  InviteflowClient,
  isInviteflowError,
  verifyWebhook,
  WebhookVerificationError,
  type WebhookEvent,
} from 'inviteflow/client';

export interface HostOptions {
  inviteflowUrl: string;
  apiKey: string;
  /** The `whsec_` secret inviteflow answered when the webhook endpoint was created. */
  webhookSecret: string;
}

export interface HostUser {
  id: string;
  email: string;
}

export interface Host {
  app: Express;
  /** The verified inviteflow events received, each once. */
  events: WebhookEvent[];
  users: HostUser[];
}

/**
 * The backend of a platform that uses inviteflow for its invitations: its
 * admins invite teammates, its sign-up page accepts the invitation the new
 * user came with, and it learns from webhooks who joined.
 */
export function createHostApp({ inviteflowUrl, apiKey, webhookSecret }: HostOptions): Host {
  const inviteflow = new InviteflowClient({ baseUrl: inviteflowUrl, apiKey });
  const events: WebhookEvent[] = [];
  const seenWebhookIds = new Set<string>();
  const users: HostUser[] = [];
  const app = express();

  // Signatures are over the bytes as sent: this route reads the raw body, before any JSON parser.
  app.post('/webhooks/inviteflow', express.raw({ type: '*/*' }), (req, res) => {
    const event = verifyWebhook(req.body as Buffer, req.headers, webhookSecret);
    // Delivery is at least once: a retried webhook keeps its webhook-id.
    const webhookId = req.get('webhook-id')!;
    if (!seenWebhookIds.has(webhookId)) {
      seenWebhookIds.add(webhookId);
      events.push(event);
      // React here: e.g. on member.removed or a disabled member.updated, end that user's sessions.
    }
    res.status(204).end();
  });

  app.use(express.json());

  /** Stands in for the platform's own session: who is signed in. */
  const signedInUser = (req: Request) => req.get('x-user-id') ?? 'anonymous';

  // An admin invites a teammate to their workspace; inviteflow emails the link.
  app.post('/workspaces/:ws/teammates', async (req, res) => {
    const { email, name } = req.body as { email: string; name?: string };
    const invitation = await inviteflow.invitations.create(req.params.ws, {
      invitee: { email, name },
      inviter: { userId: signedInUser(req), roles: ['admin'] },
    });
    res.status(201).json({ invitationId: invitation.id, status: invitation.status });
  });

  // The invitation link leads to the platform's sign-up page, which posts the token back with the new account.
  app.post('/signup', async (req, res) => {
    const { email, token } = req.body as { email: string; token?: string };
    const user = { id: `user_${randomUUID()}`, email };
    users.push(user);
    if (!token) {
      res.status(201).json({ userId: user.id });
      return;
    }
    // Failed tries count against the visitor who made them, not against this backend's address.
    const { member } = await inviteflow.invitations.accept(
      { token, userId: user.id, email },
      { visitorAddress: req.ip },
    );
    res.status(201).json({ userId: user.id, workspaceId: member.workspaceId, roles: member.roles });
  });

  const errors: ErrorRequestHandler = (error: unknown, _req, res, next) => {
    if (error instanceof WebhookVerificationError) {
      res.status(400).json({ error: error.reason });
    } else if (isInviteflowError(error) && error.status < 500) {
      // inviteflow's refusal (an expired link, a wrong account, ...) is the user's to see.
      res.status(error.status).json({ error: error.code, detail: error.detail });
    } else {
      next(error);
    }
  };
  app.use(errors);

  return { app, events, users };
}

if (require.main === module) {
  const env = (name: string) => {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set`);
    return value;
  };
  const { app } = createHostApp({
    inviteflowUrl: env('INVITEFLOW_URL'),
    apiKey: env('INVITEFLOW_API_KEY'),
    webhookSecret: env('INVITEFLOW_WEBHOOK_SECRET'),
  });
  const port = Number(process.env['PORT'] ?? 4000);
  app.listen(port, () => console.log(`host backend on http://localhost:${port}`));
}
