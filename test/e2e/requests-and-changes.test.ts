import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { tokenFromApi, tokenFromEmail } from '../support/invite';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

const admin = { userId: 'u-admin', roles: ['admin'], name: 'Ada Admin' };
const member = { userId: 'u-mo', roles: ['member'], name: 'Mo Member' };

beforeAll(async () => {
  [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  const asking = await app.call('PUT', '/v1/workspaces/asking', {
    name: 'Asking',
    settings: { allowInviteRequests: true, roles: ['admin', 'member', 'viewer'] },
  });
  expect(asking.status).toBe(201);
  expect((await app.call('PUT', '/v1/workspaces/strict', { name: 'Strict' })).status).toBe(201);
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

/** The API's answer whatever it is: a member's invitation is a request, or refused, or answers the one open. */
async function invite(email: string, inviter: typeof admin, workspace = 'asking') {
  return app.call('POST', `/v1/workspaces/${workspace}/invitations`, {
    invitee: { email, name: 'Invitee' },
    roles: ['member'],
    inviter,
  });
}

const webhookFor = (invitationId: string, type: string) => hooks.invitationEvent(webhookSecret, invitationId, type);

const eventTypes = (invitation: { events: { type: string }[] }) => invitation.events.map((event) => event.type);

describe('invite requests', () => {
  test('a member asks: requested, announced to the host, and nothing is sent until an admin approves', async () => {
    const asked = await invite('req@example.org', member);
    expect(asked.status).toBe(201);
    expect(asked.body).toMatchObject({ status: 'requested', sendCount: 0, expiresAt: null });
    const id: string = asked.body.id;

    const requested = await webhookFor(id, 'invitation.requested');
    expect(requested.data).toMatchObject({ sequence: 2, invitation: { id, status: 'requested' } });
    expect(eventTypes(requested.data.invitation)).toEqual(['created', 'requested']);
    await webhookFor(id, 'invitation.created');
    expect(app.catcher.messages().filter((mail) => mail.to.includes('req@example.org'))).toHaveLength(0);
    const listed = await app.call('GET', '/v1/workspaces/asking/invitations?status=requested');
    expect(listed.body.data.map((row: { id: string }) => row.id)).toContain(id);

    // The link exists but cannot be used before approval.
    const early = await app.call('POST', '/v1/invitations/accept', {
      token: await tokenFromApi(app, 'asking', id),
      userId: 'user-req',
    });
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('invitation_not_sent');

    const byMember = await app.call('POST', `/v1/workspaces/asking/invitations/${id}/approve`, { approver: member });
    expect(byMember.status).toBe(403);
    expect(byMember.body).toMatchObject({ code: 'inviter_not_allowed', errors: [{ field: '/approver/roles' }] });

    const approved = await app.call('POST', `/v1/workspaces/asking/invitations/${id}/approve`, { approver: admin });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'pending', sendCount: 1 });
    expect(approved.body.events.at(-1)).toMatchObject({ type: 'sent', by: 'u-admin' });
    const sent = await webhookFor(id, 'invitation.sent');
    expect(sent.data.invitation.status).toBe('pending');

    const token = await tokenFromEmail(app, id);
    const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-req' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.member).toMatchObject({ userId: 'user-req', roles: ['member'] });

    const again = await app.call('POST', `/v1/workspaces/asking/invitations/${id}/approve`, { approver: admin });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('invitation_already_accepted');
  });

  test('the request holds the person’s place: asking again answers the same invitation', async () => {
    const first = await invite('twice@example.org', member);
    const second = await invite('twice@example.org', admin);
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ id: first.body.id, status: 'requested' });
  });

  test('reject: revoked, announced as rejected, and the link refused', async () => {
    const asked = await invite('rej@example.org', member);
    const id: string = asked.body.id;

    const rejected = await app.call('POST', `/v1/workspaces/asking/invitations/${id}/reject`, { approver: admin });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('revoked');
    expect(rejected.body.events.at(-1)).toMatchObject({ type: 'rejected', by: 'u-admin' });
    const hook = await webhookFor(id, 'invitation.rejected');
    expect(hook.data.invitation.status).toBe('revoked');

    const accept = await app.call('POST', '/v1/invitations/accept', {
      token: await tokenFromApi(app, 'asking', id),
      userId: 'user-rej',
    });
    expect(accept.status).toBe(404);
    expect(accept.body.code).toBe('invalid_token');
    expect(app.catcher.messages().filter((mail) => mail.to.includes('rej@example.org'))).toHaveLength(0);
  });

  test('approving an invitation nobody asked for: 409 invitation_not_requested', async () => {
    const invited = await invite('direct@example.org', admin);
    expect(invited.body.status).toBe('pending');
    const approve = await app.call('POST', `/v1/workspaces/asking/invitations/${invited.body.id}/approve`, {
      approver: admin,
    });
    expect(approve.status).toBe(409);
    expect(approve.body.code).toBe('invitation_not_requested');
  });

  test('where requests are not allowed, a member is still refused with 403 inviter_not_allowed', async () => {
    const refused = await invite('nope@example.org', member, 'strict');
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('inviter_not_allowed');
  });
});

describe('changing roles and groups before acceptance', () => {
  test('PATCH on a pending invitation: the lookup, the GET and the accepted member show the new roles', async () => {
    const invited = await invite('chg@example.org', admin);
    const id: string = invited.body.id;

    const changed = await app.call('PATCH', `/v1/workspaces/asking/invitations/${id}`, {
      roles: ['viewer'],
      groups: ['Night shift'],
      changer: admin,
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ status: 'pending', roles: ['viewer'], groups: ['Night shift'] });
    expect(changed.body.events.at(-1)).toMatchObject({ type: 'changed', by: 'u-admin' });
    const hook = await webhookFor(id, 'invitation.changed');
    expect(hook.data.invitation.roles).toEqual(['viewer']);

    expect((await app.call('GET', `/v1/workspaces/asking/invitations/${id}`)).body.roles).toEqual(['viewer']);
    const token = await tokenFromEmail(app, id);
    const lookup = await app.call('GET', `/v1/invitations/lookup?token=${encodeURIComponent(token)}`);
    expect(lookup.body.invitation).toMatchObject({ roles: ['viewer'], groups: ['Night shift'] });

    const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId: 'user-chg' });
    expect(accepted.body.member).toMatchObject({ roles: ['viewer'], groups: ['Night shift'] });
    const member = await app.call('GET', '/v1/workspaces/asking/members/user-chg');
    expect(member.body).toMatchObject({ roles: ['viewer'], groups: ['Night shift'] });

    const late = await app.call('PATCH', `/v1/workspaces/asking/invitations/${id}`, {
      roles: ['admin'],
      changer: admin,
    });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('invitation_already_accepted');
  });

  test('PATCH with a role the workspace does not have: 422 unknown_role naming the field', async () => {
    const invited = await invite('unknown@example.org', admin);
    const refused = await app.call('PATCH', `/v1/workspaces/asking/invitations/${invited.body.id}`, {
      roles: ['member', 'owner'],
      changer: admin,
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'unknown_role', errors: [{ field: '/roles/1' }] });
    const empty = await app.call('PATCH', `/v1/workspaces/asking/invitations/${invited.body.id}`, { by: 'u-admin' });
    expect(empty.status).toBe(422);
    expect(empty.body.code).toBe('validation_failed');
  });

  test('a requested invitation can be changed before approval, and is sent with its new roles', async () => {
    const asked = await invite('chgreq@example.org', member);
    const id: string = asked.body.id;
    const changed = await app.call('PATCH', `/v1/workspaces/asking/invitations/${id}`, {
      roles: ['viewer'],
      changer: admin,
    });
    expect(changed.body).toMatchObject({ status: 'requested', roles: ['viewer'] });
    const approved = await app.call('POST', `/v1/workspaces/asking/invitations/${id}/approve`, { approver: admin });
    expect(approved.body).toMatchObject({ status: 'pending', roles: ['viewer'] });
    expect(eventTypes(approved.body)).toEqual(['created', 'requested', 'changed', 'sent']);
  });

  describe('a change of roles is held to the inviting policy, as a creation is', () => {
    const owner = { userId: 'u-owner', roles: ['owner'] };
    const manager = { userId: 'u-manager', roles: ['manager'] };
    let id: string;

    beforeAll(async () => {
      const settings = {
        roles: ['owner', 'manager', 'member'],
        inviterRoles: ['owner', 'manager'],
        defaultRole: 'member',
        grants: { manager: ['member'] },
        allowInviteRequests: true,
      };
      expect((await app.call('PUT', '/v1/workspaces/granting', { name: 'Granting', settings })).status).toBe(201);
      const invited = await app.call('POST', '/v1/workspaces/granting/invitations', {
        invitee: { email: 'grant@example.org' },
        roles: ['member'],
        inviter: manager,
      });
      expect(invited.status).toBe(201);
      id = invited.body.id;
    });

    const change = (body: object) => app.call('PATCH', `/v1/workspaces/granting/invitations/${id}`, body);

    test('a change of roles names who makes it: 422 naming /changer', async () => {
      const refused = await change({ roles: ['manager'] });
      expect([refused.status, refused.body.code, refused.body.errors]).toEqual([
        422,
        'validation_failed',
        [{ field: '/changer', message: 'a change of roles names who makes it' }],
      ]);
      // Groups alone grant nothing.
      expect((await change({ groups: ['Day shift'], by: 'u-anyone' })).status).toBe(200);
    });

    test('a changer without an inviter role: 403 inviter_not_allowed naming /changer/roles', async () => {
      const refused = await change({ roles: ['member'], changer: { userId: 'u-mo', roles: ['member'] } });
      expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([
        403,
        'inviter_not_allowed',
        '/changer/roles',
      ]);
    });

    test("a role the changer's roles may not grant: 403 role_not_grantable; the owner may", async () => {
      const refused = await change({ roles: ['member', 'owner'], changer: manager });
      expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([
        403,
        'role_not_grantable',
        '/roles/1',
      ]);
      expect((await app.call('GET', `/v1/workspaces/granting/invitations/${id}`)).body.roles).toEqual(['member']);
      const changed = await change({ roles: ['owner'], changer: owner });
      expect([changed.status, changed.body.roles, changed.body.events.at(-1).by]).toEqual([200, ['owner'], 'u-owner']);
    });

    test('an approval is held to the roles the request holds when it is approved', async () => {
      const asked = await app.call('POST', '/v1/workspaces/granting/invitations', {
        invitee: { email: 'asks@example.org' },
        roles: ['member'],
        inviter: { userId: 'u-mo', roles: ['member'] },
      });
      expect(asked.body.status).toBe('requested');
      const raised = await app.call('PATCH', `/v1/workspaces/granting/invitations/${asked.body.id}`, {
        roles: ['manager'],
        changer: owner,
      });
      expect(raised.status).toBe(200);
      const refused = await app.call('POST', `/v1/workspaces/granting/invitations/${asked.body.id}/approve`, {
        approver: manager,
      });
      expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([
        403,
        'role_not_grantable',
        '/roles/0',
      ]);
    });
  });
});
