import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'puppeteer-core';
import { launchBrowser } from '../support/browser';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { accessibilityViolations, screenshot, watchProblems, type PageElement } from '../support/page-checks';

let app: TestInviteflow;
let host: Server;
let hostUrl: string;
let browser: Browser | undefined;
let page: Page;
let problems: string[];

/** The host's sign-up page a signupUrl leads to: it signs the person up, then accepts for them through the API. */
function startHostStub(): Promise<Server> {
  let users = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const token = new URL(req.url ?? '/', 'http://host').searchParams.get('invitation') ?? '';
      users += 1;
      const userId = `u-host-${users}`;
      const accepted = await app.call('POST', '/v1/invitations/accept', { token, userId });
      res.writeHead(accepted.status === 200 ? 200 : 500, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><title>Host</title></head><body><main>` +
          `<h1>Welcome to the host</h1><p id="user">${userId}</p></main></body></html>`,
      );
    })();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  [app, host] = await Promise.all([startTestInviteflow({}, { devTools: true }), startHostStub()]);
  hostUrl = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  for (const [id, body] of [
    [
      'acme',
      {
        name: 'Acme',
        settings: {
          app: { name: 'Acme Chat', url: 'https://apps.example.org/acme' },
          branding: { accentColor: '#0f766e' },
        },
      },
    ],
    ['hosted', { name: 'Hosted', settings: { signupUrl: `${hostUrl}/join?invitation={token}` } }],
  ] as const) {
    expect((await app.call('PUT', `/v1/workspaces/${id}`, body)).status).toBe(201);
  }
  browser = await launchBrowser();
  page = await browser.newPage();
  page.setDefaultTimeout(15_000);
  problems = await watchProblems(page);
});

afterEach(() => {
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => host?.close(resolve));
  await app?.stop();
});

const admin = { userId: 'u-admin', roles: ['admin'], name: 'Ada Admin' };

const inviteTo = (workspace: string, email: string, locale: string) =>
  invite(app, {
    workspace,
    invitee: { email, name: 'Zoé' },
    body: { roles: ['member'], inviter: admin, locale },
    tokenFrom: 'email',
  });

const statusOf = async (workspace: string, id: string) =>
  (await app.call('GET', `/v1/workspaces/${workspace}/invitations/${id}`)).body.status as string;

const linkOf = (token: string) => `${app.apiUrl}/invitations/accept?token=${encodeURIComponent(token)}`;

const text = (selector: string) => page.$eval(selector, (element: PageElement) => (element.textContent ?? '').trim());

/** Opens `url`, checks the page against WCAG 2.2 AA with axe-core, and answers the HTTP status. */
async function visit(url: string, name: string): Promise<number> {
  const response = await page.goto(url, { waitUntil: 'load' });
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, name);
  return response!.status();
}

/** Submits the form whose button is `button`, and checks the page it leads to. */
async function submit(button: string, name: string): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(button)]);
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, name);
  return response!.status();
}

test('the accessibility check finds what WCAG refuses', async () => {
  await page.setContent(
    '<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></body></html>',
  );
  const found = (await accessibilityViolations(page)).map((line) => line.split(':')[0]);
  expect(found).toEqual(expect.arrayContaining(['html-has-lang', 'image-alt', 'button-name']));
});

describe.each([
  ['en', 'Join Acme', 'You have joined Acme'],
  ['fr', 'Rejoignez Acme', 'Vous avez rejoint Acme'],
  ['es', 'Únete a Acme', 'Te has unido a Acme'],
])('in %s', (locale, heading, joined) => {
  test('the email link opens the page, and the development form accepts as the typed user', async () => {
    const { id, token } = await inviteTo('acme', `dev-${locale}@example.org`, locale);
    expect(await visit(linkOf(token), `invitation-${locale}`)).toBe(200);
    expect(await page.$eval('html', (html: PageElement) => html.getAttribute('lang'))).toBe(locale);
    expect(await text('h1')).toBe(heading);

    await page.type('#userId', `u-dev-${locale}`);
    expect(await submit('button.primary', `accepted-${locale}`)).toBe(200);
    expect(await text('h1')).toBe(joined);
    expect(await statusOf('acme', id)).toBe('accepted');
    expect((await app.call('GET', `/v1/workspaces/acme/members/u-dev-${locale}`)).status).toBe(200);
  });

  test('Accept goes on to the host, which signs the person up and accepts through the API', async () => {
    const { id, token } = await inviteTo('hosted', `host-${locale}@example.org`, locale);
    expect(await visit(linkOf(token), `invitation-signup-${locale}`)).toBe(200);
    expect(await page.$('#userId')).toBeNull();
    const [response] = await Promise.all([page.waitForNavigation(), page.click('button.primary')]);
    expect(response!.url()).toMatch(new RegExp(`^${hostUrl}/join\\?invitation=`));
    expect(await text('h1')).toBe('Welcome to the host');
    expect(await statusOf('hosted', id)).toBe('accepted');
  });
});

test('Decline asks nothing more, confirms, and the link is dead afterwards', async () => {
  const { id, token } = await inviteTo('acme', 'decline@example.org', 'en');
  expect(await visit(linkOf(token), 'invitation-before-decline')).toBe(200);
  expect(await submit('button.secondary', 'declined')).toBe(200);
  expect(await text('h1')).toBe('Invitation declined');
  expect(await statusOf('acme', id)).toBe('declined');
  expect(await visit(linkOf(token), 'dead-link-declined')).toBe(404);
  expect(await text('h1')).toBe('This invitation link is not valid');
});

test("a mail scanner's HEAD and GET leave the invitation pending; a forged link gets the dead-link page", async () => {
  const { id, token } = await inviteTo('acme', 'scanned@example.org', 'en');
  expect((await fetch(linkOf(token), { method: 'HEAD' })).status).toBe(200);
  expect((await fetch(linkOf(token))).status).toBe(200);
  expect(await visit(linkOf(token), 'invitation-scanned')).toBe(200);
  expect(await statusOf('acme', id)).toBe('pending');

  expect(await visit(linkOf('forged'), 'dead-link')).toBe(404);
  expect(await text('h1')).toBe('This invitation link is not valid');
});

test('the mailbox lists emails newest first, opens one with its HTML framed and its link, and lists SMS', async () => {
  const { token } = await inviteTo('acme', 'mailbox@example.org', 'en');
  expect(
    (
      await app.call('POST', '/v1/workspaces/acme/invitations', {
        invitee: { phone: '+33612345678', phoneConsent: true },
        inviter: admin,
        channels: ['sms'],
      })
    ).status,
  ).toBe(201);

  expect(await visit(`${app.apiUrl}/dev/outbox`, 'mailbox')).toBe(200);
  const recipients = await page.$$eval('tbody tr td:nth-child(2)', (cells: PageElement[]) =>
    cells.map((cell) => cell.textContent),
  );
  expect(recipients[0]).toBe('mailbox@example.org');

  expect(await submit('tbody tr:first-child a', 'mailbox-message')).toBe(200);
  expect(await page.$eval('iframe', (frame: PageElement) => frame.getAttribute('sandbox'))).toBe('');
  const frame = await (await page.$('iframe'))!.contentFrame();
  expect(await frame.$eval('body', (body: PageElement) => body.textContent)).toContain('Acme');
  expect(await text('pre')).toContain('Acme');
  const link = await page.$eval('a.link', (anchor: PageElement) => anchor.getAttribute('href'));
  expect(new URL(link!).searchParams.get('token')).toBe(token);

  // The link the mailbox shows is the invitee's way in.
  expect(await submit('a.link', 'invitation-from-mailbox')).toBe(200);
  expect(await text('h1')).toBe('Join Acme');

  const sms = await app.sms.waitFor((message) => message.to === '+33612345678');
  expect(await visit(`${app.apiUrl}/dev/sms`, 'mailbox-sms')).toBe(200);
  expect(await text('.sms li:first-child .body')).toBe(sms.body);

  // curl gets JSON, as before.
  const json = (await (await fetch(`${app.apiUrl}/dev/outbox`)).json()) as { data: { to: string[] }[] };
  expect(json.data[0]!.to).toEqual(['mailbox@example.org']);
});
