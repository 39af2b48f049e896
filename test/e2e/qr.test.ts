import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { startTestInviteflow, type TestInviteflow } from '../support/harness';

let app: TestInviteflow;

beforeAll(async () => {
  app = await startTestInviteflow();
  expect((await app.call('PUT', '/v1/workspaces/plant', { name: 'Plant' })).status).toBe(201);
});

afterAll(async () => {
  await app?.stop();
});

test('the QR codes encode the invitation link, to scan from the screen', async () => {
  const created = await app.call('POST', '/v1/workspaces/plant/invitations', {
    invitee: { name: 'Luis', userId: 'user-luis' },
    channels: [],
    inviter: { userId: 'u-admin', roles: ['admin'] },
    send: false,
  });
  expect(created.status).toBe(201);
  const path = `/v1/workspaces/plant/invitations/${created.body.id}`;
  const { url } = (await app.call('GET', `${path}/link`)).body as { url: string };
  const authorization = `Bearer ${app.apiKey}`;

  const png = await fetch(`${app.apiUrl}${path}/qr.png`, { headers: { authorization } });
  expect(png.status).toBe(200);
  expect(png.headers.get('content-type')).toBe('image/png');
  const image = PNG.sync.read(Buffer.from(await png.arrayBuffer()));
  const decoded = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  expect(decoded?.data).toBe(url);

  const svg = await fetch(`${app.apiUrl}${path}/qr.svg`, { headers: { authorization } });
  expect(svg.headers.get('content-type')).toContain('image/svg+xml');
  expect(await svg.text()).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);

  expect((await fetch(`${app.apiUrl}${path}/qr.png`)).status).toBe(401);
  expect(
    (await fetch(`${app.apiUrl}/v1/workspaces/plant/invitations/inv_nope/qr.svg`, { headers: { authorization } }))
      .status,
  ).toBe(404);
});
