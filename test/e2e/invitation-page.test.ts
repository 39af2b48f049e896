import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { openPage, pageOf, submitForm } from '../support/invitation-page';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { addWebhookEndpoint } from '../support/webhook-endpoint';

let app: TestInviteflow;
let hooks: WebhookReceiver;
let webhookSecret: string;

beforeAll(async () => {
  [app, hooks] = await Promise.all([
    startTestInviteflow({ JOIN_ATTEMPTS_PER_VISITOR: '4' }, { devTools: true }),
    startWebhookReceiver(),
  ]);
  for (const [id, body] of [
    ['acme', { name: 'Acme <Tools>', settings: { app: { name: 'Acme Chat', url: 'https://apps.example.org/acme' } } }],
    [
      'hosted',
      {
        name: 'Hosted',
        settings: {
          signupUrl: 'https://host.example.org/join?invitation={token}',
          branding: { logoUrl: 'https://cdn.example.org/logo.png', accentColor: '#ffeb3b' },
        },
      },
    ],
    ['short', { name: 'Short', settings: { invitationTtl: '1s' } }],
  ] as const) {
    expect((await app.call('PUT', `/v1/workspaces/${id}`, body)).status).toBe(201);
  }
  ({ secret: webhookSecret } = await addWebhookEndpoint(app, hooks));
});

afterAll(async () => {
  await app?.stop();
  await hooks?.close();
});

const inviteTo = (workspace: string, email: string, body: Record<string, unknown> = {}) =>
  invite(app, {
    workspace,
    invitee: { email, name: 'Zoé <b>' },
    body: { roles: ['member'], inviter: { userId: 'u-admin', roles: ['admin'], name: 'Ada' }, ...body },
  });

const statusOf = async (workspace: string, id: string) =>
  (await app.call('GET', `/v1/workspaces/${workspace}/invitations/${id}`)).body.status as string;

test('the default link shows who invites to what, escaped, under a strict CSP, and opening it uses nothing up', async () => {
  const { id, token } = await inviteTo('acme', 'page@example.org');
  const link = (await app.call('GET', `/v1/workspaces/acme/invitations/${id}/link`)).body.url as string;
  expect(new URL(link).pathname).toBe('/invitations/accept');

  const page = await openPage(app, pageOf(token));
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(page.headers.get('cache-control')).toBe('no-store');
  const csp = page.headers.get('content-security-policy')!;
  expect(csp).toMatch(/default-src 'none'; style-src 'nonce-[^']+'; img-src 'none'; form-action 'self';/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(page.html).toContain('<html lang="en">');
  expect(page.html).toContain('Join Acme &lt;Tools&gt;');
  expect(page.html).toContain('Hello Zoé &lt;b&gt;,');
  expect(page.html).toContain('Ada invites you to join');
  expect(page.html).toContain('<dd>member</dd>');
  expect(page.html).toContain('href="https://apps.example.org/acme"');
  // Under `inviteflow start` a workspace without signupUrl shows the development form.
  expect(page.html).toContain('name="userId"');
  expect(page.html).not.toMatch(/<script/i);

  const head = await openPage(app, pageOf(token), 'HEAD');
  expect(head.status).toBe(200);
  expect(head.html).toBe('');
  expect(await statusOf('acme', id)).toBe('pending');
});

test('the page speaks the invitation language', async () => {
  const fr = await inviteTo('acme', 'fr@example.org', { locale: 'fr' });
  const es = await inviteTo('acme', 'es@example.org', { locale: 'es-MX' });
  const frPage = await openPage(app, pageOf(fr.token));
  expect(frPage.html).toContain('<html lang="fr">');
  expect(frPage.html).toContain('Accepter l’invitation');
  const esPage = await openPage(app, pageOf(es.token));
  expect(esPage.html).toContain('<html lang="es">');
  expect(esPage.html).toContain('Aceptar la invitación');
});

test('accept goes on to the signupUrl with a 303, and the logo and signup origins are all the CSP lets in', async () => {
  const { id, token } = await inviteTo('hosted', 'signup@example.org');
  const page = await openPage(app, pageOf(token));
  expect(page.html).not.toContain('name="userId"');
  expect(page.html).toContain('src="https://cdn.example.org/logo.png"');
  // A light accent gets black text.
  expect(page.html).toContain('--accent: #ffeb3b; --on-accent: #000000;');
  const csp = page.headers.get('content-security-policy')!;
  expect(csp).toContain('img-src https://cdn.example.org;');
  expect(csp).toContain("form-action 'self' https://host.example.org;");

  const accepted = await submitForm(app, '/invitations/accept', { token, csrf: page.csrf! }, page.cookie);
  expect(accepted.status).toBe(303);
  expect(accepted.headers.get('location')).toBe(
    `https://host.example.org/join?invitation=${encodeURIComponent(token)}`,
  );
  // The host accepts once it has signed the person in: nothing is accepted yet.
  expect(await statusOf('hosted', id)).toBe('pending');
});

test('the development form accepts as the typed user, and the link then says it was accepted', async () => {
  const { id, token } = await inviteTo('acme', 'dev@example.org');
  const page = await openPage(app, pageOf(token));
  const refused = await submitForm(app, '/invitations/accept', { token, csrf: page.csrf!, userId: ' ' }, page.cookie);
  expect(refused.status).toBe(422);
  expect(refused.html).toContain('role="alert"');

  const accepted = await submitForm(
    app,
    '/invitations/accept',
    { token, csrf: page.csrf!, userId: 'u-dev' },
    page.cookie,
  );
  expect(accepted.status).toBe(200);
  expect(accepted.html).toContain('You have joined Acme &lt;Tools&gt;');
  expect(await statusOf('acme', id)).toBe('accepted');
  expect((await app.call('GET', '/v1/workspaces/acme/members/u-dev')).status).toBe(200);

  const again = await openPage(app, pageOf(token));
  expect(again.status).toBe(200);
  expect(again.html).toContain('<h1>This invitation has been accepted</h1>');
});

test('a form without its CSRF cookie or field acts on nothing and shows the page again', async () => {
  const { id, token } = await inviteTo('acme', 'csrf@example.org');
  const page = await openPage(app, pageOf(token));
  const other = await inviteTo('acme', 'csrf-other@example.org');
  const otherPage = await openPage(app, pageOf(other.token));
  for (const [fields, cookie] of [
    [{ token }, page.cookie],
    [{ token, csrf: page.csrf! }, ''],
    [{ token, csrf: 'forged' }, page.cookie],
    // Another invitation's form and cookie: the CSRF token is bound to the invitation token.
    [{ token, csrf: otherPage.csrf! }, otherPage.cookie],
  ] as const) {
    const answer = await submitForm(app, '/invitations/decline', fields, cookie);
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(pageOf(token));
  }
  expect(await statusOf('acme', id)).toBe('pending');
});

test('decline records invitation.declined, confirms, and the link is dead after', async () => {
  const { id, token } = await inviteTo('acme', 'decline@example.org');
  const page = await openPage(app, pageOf(token));
  const declined = await submitForm(app, '/invitations/decline', { token, csrf: page.csrf! }, page.cookie);
  expect(declined.status).toBe(200);
  expect(declined.html).toContain('Invitation declined');
  expect(await statusOf('acme', id)).toBe('declined');
  expect(await hooks.invitationEvent(webhookSecret, id, 'invitation.declined')).toMatchObject({
    type: 'invitation.declined',
  });
  const dead = await openPage(app, pageOf(token));
  expect(dead.status).toBe(404);
  expect(dead.html).toContain('This invitation link is not valid');
});

test('forged, expired and revoked links get the same 404 page; only an expired one suggests asking again', async () => {
  const revoked = await inviteTo('acme', 'revoked@example.org');
  expect((await app.call('POST', `/v1/workspaces/acme/invitations/${revoked.id}/revoke`, {})).status).toBe(200);
  const expired = await inviteTo('short', 'expired@example.org');
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const pages = await Promise.all(
    [pageOf('forged-token'), pageOf(revoked.token), pageOf(expired.token), '/invitations/accept'].map((path) =>
      openPage(app, path),
    ),
  );
  for (const page of pages) {
    expect(page.status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.html).toContain('This invitation link is not valid');
    expect(page.html).not.toContain('Zoé');
  }
  const strip = (html: string) => html.replace(/nonce="[^"]+"/, '');
  expect(strip(pages[1]!.html)).toBe(strip(pages[0]!.html));
  expect(pages[2]!.html).toContain('ask the person who invited you to send a new one');
  expect(pages[0]!.html).not.toContain('send a new one');
});

test('other methods are 405 with Allow', async () => {
  const put = await fetch(`${app.apiUrl}/invitations/accept`, { method: 'PUT' });
  expect(put.status).toBe(405);
  expect(put.headers.get('allow')).toBe('GET, HEAD, POST');
  expect(put.headers.get('content-type')).toContain('application/problem+json');
  const get = await fetch(`${app.apiUrl}/invitations/decline`);
  expect(get.status).toBe(405);
  expect(get.headers.get('allow')).toBe('POST');
});

test('the mailbox answers curl with JSON and a browser with a page; an unknown email is a 404 problem', async () => {
  const asCurl = await fetch(`${app.apiUrl}/dev/outbox`, { headers: { accept: '*/*' } });
  expect(asCurl.headers.get('content-type')).toContain('application/json');
  const { data } = (await asCurl.json()) as { data: { id: string; receivedAt: string }[] };
  expect(data.length).toBeGreaterThan(1);
  const times = data.map((mail) => mail.receivedAt);
  expect([...times].sort().reverse()).toEqual(times);

  const asBrowser = await openPage(app, '/dev/outbox', 'GET', { accept: 'text/html,application/xhtml+xml' });
  expect(asBrowser.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(asBrowser.html).toContain(`href="/dev/outbox/${data[0]!.id}"`);
  const framed = await fetch(`${app.apiUrl}/dev/outbox/${data[0]!.id}/html`);
  expect(framed.headers.get('content-security-policy')).toMatch(/^sandbox; default-src 'none'/);

  const unknown = await fetch(`${app.apiUrl}/dev/outbox/nope`);
  expect(unknown.status).toBe(404);
  expect(unknown.headers.get('content-type')).toContain('application/problem+json');
});

// Last: it uses up this visitor's tries.
test('past the caps on forged links the page says to wait, 429 with Retry-After, even for a real link', async () => {
  const { token } = await inviteTo('acme', 'capped@example.org');
  const statuses: number[] = [];
  for (let tries = 0; tries < 5; tries += 1) statuses.push((await openPage(app, pageOf(`forged-${tries}`))).status);
  expect(statuses).toContain(429);
  const page = await openPage(app, pageOf(token), 'GET', { 'accept-language': 'fr' });
  expect(page.status).toBe(429);
  expect(Number(page.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(page.html).toContain('<html lang="fr">');
  expect(page.html).toContain('Trop d’essais');
});
