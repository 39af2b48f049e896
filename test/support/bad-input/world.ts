import { linkIn, startTestInviteflow, type TestInviteflow } from '../harness';
import { startWebhookReceiver, type WebhookReceiver } from '../webhook-receiver';
import type { ExistingIds } from './endpoints';
import { footprintReader, inFlightReader, settled } from './footprint';
import type { FootprintWatch } from './probe';

export interface BadInputWorld {
  app: TestInviteflow;
  hooks: WebhookReceiver;
  ids: ExistingIds;
  inviter: { userId: string; roles: string[] };
  watch: FootprintWatch;
  stop(): Promise<void>;
}

async function expectStatus(answer: Promise<{ status: number; body: any }>, status: number): Promise<any> {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`fixture call answered ${got}, not ${status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * An inviteflow with one of everything a path can name: a workspace whose one
 * seat is taken (so a random body that happens to be a valid invitation is
 * refused rather than sending mail), its member and accepted invitation, a
 * bulk import, a webhook endpoint with a delivery, and a template name.
 */
export async function startBadInputWorld(): Promise<BadInputWorld> {
  const [app, hooks] = await Promise.all([startTestInviteflow(), startWebhookReceiver()]);
  const ws = 'bad-input';
  const inviter = { userId: 'u-admin', roles: ['admin'] };
  await expectStatus(
    app.call('PUT', `/v1/workspaces/${ws}`, {
      name: 'Bad input',
      settings: { roles: ['admin', 'member'], seatLimit: 1 },
    }),
    201,
  );
  const endpoint = await expectStatus(app.call('POST', '/v1/webhook-endpoints', { url: hooks.url }), 201);
  const email = 'member@bad-input.example.org';
  const invitation = await expectStatus(
    app.call('POST', `/v1/workspaces/${ws}/invitations`, { invitee: { email }, roles: ['member'], inviter }),
    201,
  );
  const token = linkIn((await app.catcher.waitFor((mail) => mail.to.includes(email))).text).searchParams.get('token');
  const userId = 'u-member';
  await expectStatus(app.call('POST', '/v1/invitations/accept', { token, userId }), 200);
  const bulk = await expectStatus(
    app.call('POST', `/v1/workspaces/${ws}/invitations/bulk`, { emails: 'bulk@bad-input.example.org', inviter }),
    202,
  );
  await hooks.waitFor((hook) => (JSON.parse(hook.body) as { type: string }).type === 'member.joined');
  const deliveries = await expectStatus(app.call('GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`), 200);
  const read = await footprintReader(app);
  const inFlight = inFlightReader(app);
  const watch: FootprintWatch = { read, inFlight, last: await settled(read, () => inFlight(new Date(0))) };
  return {
    app,
    hooks,
    inviter,
    watch,
    ids: {
      ws,
      invitationId: invitation.id,
      bulkId: bulk.id,
      userId,
      webhookEndpointId: endpoint.id,
      deliveryId: deliveries.data[0].id,
      templateName: 'invitation',
      locale: 'en',
    },
    async stop() {
      await app.stop();
      await hooks.close();
    },
  };
}
