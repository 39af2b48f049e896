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
