import { historyToJson } from '../replay/history-json';
import { linkIn, startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/acme', { name: 'Acme', settings: { locale: 'fr' } })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

const french = {
  subject: 'Rejoignez {{workspaceName}} !',
  html: '<p>{{or inviterName "Quelqu’un"}} vous invite : <a href="{{link}}">rejoindre</a></p>',
  text: '{{or inviterName "Quelqu’un"}} vous invite : {{link}}',
};

test('a template that does not compile is refused at save time, naming the part and the line', async () => {
  const broken = await app.call('PUT', '/v1/workspaces/acme/templates/invitation/fr', {
    ...french,
    html: '<p>Bonjour</p>\n<p>{{#if inviteeName}}{{inviteeName}}</p>',
  });
  expect(broken.status).toBe(422);
  expect(broken.body.code).toBe('template_invalid');
  expect(broken.body.errors[0].field).toBe('/html');
  expect(broken.body.detail).toContain('line 2');
  expect((await app.call('GET', '/v1/workspaces/acme/templates/invitation/fr')).status).toBe(404);

  const badLocale = await app.call('PUT', '/v1/workspaces/acme/templates/invitation/french', french);
  expect(badLocale.status).toBe(422);
  expect(badLocale.body.errors[0].field).toBe('path.locale');
});

test('a saved override is what invitees in that language receive; preview shows it with sample data', async () => {
  const saved = await app.call('PUT', '/v1/workspaces/acme/templates/invitation/fr', french);
  expect(saved.status).toBe(200);
  expect(saved.body).toMatchObject({ workspaceId: 'acme', name: 'invitation', locale: 'fr', subject: french.subject });

  const preview = await app.call('POST', '/v1/workspaces/acme/templates/invitation/preview', {});
  expect(preview.status).toBe(200);
  expect(preview.body).toMatchObject({ locale: 'fr', subject: 'Rejoignez Acme !' });
  expect(preview.body.text).toContain('Ada Admin vous invite : ');

  const created = await app.call('POST', '/v1/workspaces/acme/invitations', {
    invitee: { email: 'lea@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'], name: 'Bob' },
  });
  const mail = await app.catcher.waitFor((m) => (m.messageId ?? '').includes(created.body.id));
  expect(mail.subject).toBe('Rejoignez Acme !');
  expect(mail.text).toMatch(/^Bob vous invite : http:\/\/localhost:\d+\/invitations\/accept\?token=/);

  // A draft previews without being saved; English keeps the shipped template.
  const draft = await app.call('POST', '/v1/workspaces/acme/templates/invitation/preview', {
    locale: 'en',
    draft: { ...french, subject: 'Draft for {{workspaceName}}' },
  });
  expect(draft.body.subject).toBe('Draft for Acme');
  const english = await app.call('POST', '/v1/workspaces/acme/templates/invitation/preview', { locale: 'en' });
  expect(english.body.subject).toBe('Ada Admin invited you to join Acme');

  expect((await app.call('DELETE', '/v1/workspaces/acme/templates/invitation/fr')).status).toBe(204);
  const shipped = await app.call('POST', '/v1/workspaces/acme/templates/invitation/preview', {});
  expect(shipped.body.subject).toBe('Ada Admin vous invite à rejoindre Acme');
});

test('a resend uses the workspace’s resend template, not the invitation’s', async () => {
  const settings = { resendInterval: '0s' };
  expect((await app.call('PUT', '/v1/workspaces/resends', { name: 'Resends', settings })).status).toBe(201);
  const override = { subject: 'Again: {{workspaceName}}', html: '<p>{{link}}</p>', text: 'Still waiting: {{link}}' };
  expect((await app.call('PUT', '/v1/workspaces/resends/templates/resend/en', override)).status).toBe(200);

  const created = await app.call('POST', '/v1/workspaces/resends/invitations', {
    invitee: { email: 'kim@example.org' },
    inviter: { userId: 'u-admin', roles: ['admin'] },
  });
  const first = await app.catcher.waitFor((m) => m.messageId === `<${created.body.id}.1@inviteflow.local>`);
  expect(first.subject).toBe('A teammate invited you to join Resends');

  expect((await app.call('POST', `/v1/workspaces/resends/invitations/${created.body.id}/resend`, {})).status).toBe(200);
  const second = await app.catcher.waitFor((m) => m.messageId === `<${created.body.id}.2@inviteflow.local>`);
  expect(second.subject).toBe('Again: Resends');
  expect(second.text).toBe(`Still waiting: ${linkIn(first.text).toString()}`);
});

test('a template calling a helper or partial that does not exist is refused at save, naming the part and the line', async () => {
  for (const [html, named] of [
    ['<p>Hi</p>\n<p>{{shout inviteeName}}</p>', 'helper "shout"'],
    ['<p>Hi</p>\n{{> (lookup this "inviteeName")}}', 'partial'],
    ['<p>Hi</p>\n{{log link}}', 'helper "log"'],
  ]) {
    const refused = await app.call('PUT', '/v1/workspaces/acme/templates/reminder/fr', { ...french, html });
    expect([refused.status, refused.body.code, refused.body.errors[0].field]).toEqual([
      422,
      'template_invalid',
      '/html',
    ]);
    expect(refused.body.detail).toContain(named);
    expect(refused.body.detail).toContain('line 2');
  }
  expect((await app.call('GET', '/v1/workspaces/acme/templates/reminder/fr')).status).toBe(404);
});

test('hostile previews neither stall the API nor hold its memory', async () => {
  const previewWith = (html: string) =>
    app.call('POST', '/v1/workspaces/acme/templates/invitation/preview', { draft: { ...french, html } });
  // Past the bound (refused before parsing), and at it: as many expressions and bytes as a draft may have.
  const hostile = (round: number, n: number) =>
    n % 2 === 0
      ? `${round}-${n}` + '{{x}}'.repeat(19_000)
      : `${round}-${n}` + ('{{#if a}}{{b}}{{/if}}' + 'x'.repeat(1_400)).repeat(66);
  let slowest = 0;
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = Date.now();
      expect((await fetch(`${app.apiUrl}/healthz`)).status).toBe(200);
      slowest = Math.max(slowest, Date.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const rssBefore = process.memoryUsage().rss;
  try {
    for (let round = 0; round < 5; round += 1) {
      const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => previewWith(hostile(round, n))));
      expect(answers.map((answer) => answer.status).sort()).toEqual([...Array(6).fill(200), ...Array(6).fill(422)]);
    }
  } finally {
    running = false;
    await probe;
  }
  expect(slowest).toBeLessThan(1_000);
  // Cached, 60 drafts at the bound would hold some 20 MB; 60 of the refused kind, compiled, held about 7 GB.
  expect((process.memoryUsage().rss - rssBefore) / 1024 / 1024).toBeLessThan(150);
});

test('a stored template that cannot render fails its message for good, without the invitee in the failure', async () => {
  // Saved before the checks at save existed, or written by hand: the send must still not loop or leak.
  await app.orm.em.fork().execute(
    `insert into email_templates (workspace_id, name, locale, subject, html, text) values ('acme', 'invitation', 'fr', ?, ?, ?)
     on conflict (workspace_id, name, locale) do update set html = excluded.html`,
    [french.subject, '{{> (lookup this "inviteeName")}}', french.text],
  );
  try {
    const created = await app.call('POST', '/v1/workspaces/acme/invitations', {
      invitee: { email: 'zed@example.org', name: 'Zed Hiddenname' },
      inviter: { userId: 'u-admin', roles: ['admin'] },
    });
    expect(created.status).toBe(201);
    let events: { type: string; detail?: string }[] = [];
    for (let tries = 0; tries < 100 && !events.some((event) => event.type === 'delivery_failed'); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      events = (await app.call('GET', `/v1/workspaces/acme/invitations/${created.body.id}`)).body.events;
    }
    expect(events.find((event) => event.type === 'delivery_failed')).toMatchObject({
      detail: 'email: the invitation email template could not be rendered',
    });
    const history = JSON.stringify(
      historyToJson(await app.client.workflow.getHandle(`invitation-${created.body.id}`).fetchHistory()),
    );
    expect(history).toContain('could not be rendered');
    expect(history).not.toContain('Hiddenname');
  } finally {
    await app.orm.em.fork().execute(`delete from email_templates where workspace_id = 'acme'`);
  }
});
