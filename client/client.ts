import { Transport, type ClientSettings } from './http';
import { bulkApi, invitationsApi } from './invitations';
import { inviteLinksApi } from './invite-links';
import { joinApi, membersApi, registrationsApi } from './members';
import { webhookEndpointsApi } from './webhook-endpoints';
import { invitationCodeApi, templatesApi, workspacesApi } from './workspaces';

/**
 * inviteflow's API for a host's backend, one method per endpoint. Refusals
 * throw an `InviteflowError`; 429 and 503 answers are retried as their
 * `Retry-After` says, and every POST carries an `Idempotency-Key` kept
 * across its retries.
 */
export class InviteflowClient {
  readonly workspaces: ReturnType<typeof workspacesApi>;
  readonly invitations: ReturnType<typeof invitationsApi>;
  readonly bulk: ReturnType<typeof bulkApi>;
  readonly members: ReturnType<typeof membersApi>;
  readonly invitationCode: ReturnType<typeof invitationCodeApi>;
  readonly inviteLinks: ReturnType<typeof inviteLinksApi>;
  readonly templates: ReturnType<typeof templatesApi>;
  readonly webhookEndpoints: ReturnType<typeof webhookEndpointsApi>;
  readonly registrations: ReturnType<typeof registrationsApi>;
  /** Join a workspace with its invitation code, as a user of the host. */
  readonly join: ReturnType<typeof joinApi>;

  constructor(settings: ClientSettings) {
    const http = new Transport(settings);
    this.workspaces = workspacesApi(http);
    this.invitations = invitationsApi(http);
    this.bulk = bulkApi(http);
    this.members = membersApi(http);
    this.invitationCode = invitationCodeApi(http);
    this.inviteLinks = inviteLinksApi(http);
    this.templates = templatesApi(http);
    this.webhookEndpoints = webhookEndpointsApi(http);
    this.registrations = registrationsApi(http);
    this.join = joinApi(http);
  }
}
