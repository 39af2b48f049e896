import { startTestInviteflow, type TestInviteflow } from '../support/harness';
import { invite } from '../support/invite';
import { readPdf } from '../support/pdf';

let app: TestInviteflow;

const admin = { userId: 'u-admin', roles: ['admin'], name: 'Marta Núñez' };

beforeAll(async () => {
  app = await startTestInviteflow();
  const settings = { app: { name: 'Ommnio', url: 'https://ommnio.example/app' } };
  expect((await app.call('PUT', '/v1/workspaces/plant', { name: 'Planta Sevilla', settings })).status).toBe(201);
  expect(
    (await app.call('PUT', '/v1/workspaces/taller', { name: 'Taller', settings: { locale: 'es-MX' } })).status,
  ).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

/** The API path of an invitation registered but not sent, unless `body` says otherwise: paper is how it goes out. */
async function invited(
  workspace: string,
  invitee: Record<string, unknown>,
  body: Record<string, unknown> = {},
): Promise<string> {
  const { id } = await invite(app, {
    workspace,
    invitee,
    body: { channels: [], inviter: admin, send: false, ...body },
  });
  return `/v1/workspaces/${workspace}/invitations/${id}`;
}

const print = (path: string, headers: Record<string, string> = { authorization: `Bearer ${app.apiKey}` }) =>
  fetch(`${app.apiUrl}${path}`, { headers });

test('the printed invitation: who invites, the app, the QR code and text of the link', async () => {
  const path = await invited('plant', { name: 'Luis', userId: 'user-luis' });
  const { url } = (await app.call('GET', `${path}/link`)).body as { url: string };

  const res = await print(`${path}/print.pdf`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('application/pdf');
  expect(res.headers.get('content-disposition')).toBe(`inline; filename="invitation-${path.split('/').at(-1)}.pdf"`);
  expect(res.headers.get('cache-control')).toBe('private, no-store');

  const pdf = readPdf(Buffer.from(await res.arrayBuffer()));
  expect(pdf.pages).toEqual([{ width: 595.28, height: 841.89 }]);
  for (const text of [
    'Join Planta Sevilla',
    'Hello Luis,',
    'Marta Núñez invites you to join Planta Sevilla.',
    'Install the Ommnio app',
    'scan the code below',
    // Registered, not sent: its expiry starts with the first send.
    'This invitation does not expire yet.',
    'This code is personal',
  ]) {
    expect(pdf.text).toContain(text);
  }
  expect(pdf.text.replace(/ /g, '')).toContain(url);
  expect(pdf.qrCodes).toEqual([url]);

  const letter = readPdf(Buffer.from(await (await print(`${path}/print.pdf?size=letter`)).arrayBuffer()));
  expect(letter.pages).toEqual([{ width: 612, height: 792 }]);
  expect(letter.qrCodes).toEqual([url]);
});

test("in the invitation's language, else the workspace's, with the expiry once sent", async () => {
  const french = await invited(
    'plant',
    { email: 'chloe@example.org', name: 'Chloé' },
    { channels: ['email'], send: true, locale: 'fr' },
  );
  const { expiresAt } = (await app.call('GET', french)).body as { expiresAt: string };
  const expiry = new Intl.DateTimeFormat('fr', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(expiresAt));
  const pdf = readPdf(Buffer.from(await (await print(`${french}/print.pdf`)).arrayBuffer()));
  for (const text of [
    'Rejoignez Planta Sevilla',
    'Bonjour Chloé,',
    'Marta Núñez vous invite à rejoindre Planta Sevilla.',
    'Installez l’application Ommnio',
    `Cette invitation expire le ${expiry}`,
    'Ce code est personnel',
  ]) {
    expect(pdf.text).toContain(text);
  }

  // No app: the phone's camera. No inviter name: a teammate, in the workspace's language (es-MX: es).
  const spanish = await invited('taller', { userId: 'user-ana' }, { inviter: { ...admin, name: undefined } });
  const texts = readPdf(Buffer.from(await (await print(`${spanish}/print.pdf`)).arrayBuffer())).text;
  expect(texts).toContain('Un miembro del equipo te invita a unirte a Taller.');
  expect(texts).toContain('Escanea el código de abajo con la cámara de tu teléfono');
  expect(texts).not.toContain('Instala la aplicación');
});

test('refusals: no API key, unknown invitation, unknown paper size', async () => {
  const path = await invited('plant', { userId: 'user-eva' });
  expect((await print(`${path}/print.pdf`, {})).status).toBe(401);

  const unknown = await print('/v1/workspaces/plant/invitations/inv_nope/print.pdf');
  expect(unknown.status).toBe(404);
  expect(((await unknown.json()) as { code: string }).code).toBe('invitation_not_found');

  const badSize = await print(`${path}/print.pdf?size=a5`);
  expect(badSize.status).toBe(422);
  expect(badSize.headers.get('content-type')).toContain('application/problem+json');
  expect(await badSize.json()).toMatchObject({ code: 'validation_failed', errors: [{ field: 'query.size' }] });
});
