import { linkIn, type TestInviteflow } from './harness';

/** The invitation as the API's 201 answered it, and the token its link carries. */
export interface Invited {
  [field: string]: any;
  id: string;
  token: string;
}

export interface InviteOptions {
  workspace: string;
  invitee: Record<string, unknown>;
  /** More fields of the request, over the defaults (an admin inviter). */
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  /**
   * `api`: the link a host reads from `.../link`, there for every invitation, sent or not.
   * `email`: the link in the invitee's first email, waiting for it: the invitee's own way in.
   */
  tokenFrom?: 'api' | 'email';
}

const admin = { userId: 'u-admin', roles: ['admin'] };

/** Creates an invitation through the API, expecting a new one (201). */
export async function invite(
  app: TestInviteflow,
  { workspace, invitee, body = {}, headers = {}, tokenFrom = 'api' }: InviteOptions,
): Promise<Invited> {
  const created = await app.call(
    'POST',
    `/v1/workspaces/${workspace}/invitations`,
    { invitee, inviter: admin, ...body },
    headers,
  );
  expect(created.status).toBe(201);
  const invitation = created.body as Invited;
  const { id } = invitation;
  const token = tokenFrom === 'email' ? await tokenFromEmail(app, id) : await tokenFromApi(app, workspace, id);
  return { ...invitation, token };
}

/** The token in the email of an invitation's `sendNumber`-th send (1-based), waiting for it. */
export async function tokenFromEmail(app: TestInviteflow, invitationId: string, sendNumber = 1): Promise<string> {
  const mail = await app.catcher.waitFor((m) => (m.messageId ?? '').includes(`${invitationId}.${sendNumber}@`));
  return linkIn(mail.text).searchParams.get('token')!;
}

/** The token of an invitation's link as the API hands it to hosts. */
export async function tokenFromApi(app: TestInviteflow, workspace: string, invitationId: string): Promise<string> {
  const link = await app.call('GET', `/v1/workspaces/${workspace}/invitations/${invitationId}/link`);
  expect(link.status).toBe(200);
  return new URL(link.body.url).searchParams.get('token')!;
}
