import { InvitationPrinter, printable, type PrintableInvitation } from '../../../api/print-invitation';
import { readPdf } from '../../support/pdf';

const printer = new InvitationPrinter();

const invitation: PrintableInvitation = {
  workspaceName: 'Plant',
  inviterName: 'Marta',
  inviteeName: 'Luis',
  app: { name: 'Ommnio', url: 'https://ommnio.example/app' },
  link: 'https://hr.example/invitations/accept?token=inv_1.signature',
  expiresAt: '2026-03-04T05:06:07.000Z',
};

describe('InvitationPrinter texts', () => {
  it.each([
    [['fr-CA', 'es'], 'fr'],
    [[null, 'es-MX'], 'es'],
    [['es', 'fr'], 'es'],
    [['de-AT', undefined], 'en'],
    [[null, null], 'en'],
  ])('wanted %j: %s', (locales, locale) => {
    expect(printer.texts(invitation, locales).locale).toBe(locale);
  });

  it("say how to get the host's app, or to use the camera without one", () => {
    expect(printer.texts(invitation, ['en']).steps.split('\n')).toEqual([
      'Install the Ommnio app on your phone, or open it if you already have it: https://ommnio.example/app',
      'When the app asks for an invitation, scan the code below with it.',
      'No camera at hand? Type the link printed under the code into a browser.',
    ]);
    const withoutApp = printer.texts({ ...invitation, app: null }, ['fr']).steps;
    expect(withoutApp).toContain('avec l’appareil photo de votre téléphone');
    expect(withoutApp).not.toContain('Ommnio');
  });

  it('name a teammate when the host gave no inviter, and say when there is no expiry yet', () => {
    const texts = printer.texts({ ...invitation, inviterName: null, inviteeName: null, expiresAt: null }, ['es']);
    expect(texts).toMatchObject({
      greeting: 'Hola,',
      invitedBy: 'Un miembro del equipo te invita a unirte a Plant.',
      expiry: 'Esta invitación todavía no caduca.',
    });
  });

  it('write the expiry as readers of the locale do, without characters Helvetica lacks', () => {
    expect(printer.texts(invitation, ['fr']).expiry).toBe('Cette invitation expire le 4 mars 2026 à 05:06 UTC.');
    const english = printer.texts(invitation, ['en']).expiry;
    expect(english).toMatch(/^This invitation expires on March 4, 2026 at 5:06\sAM UTC\.$/);
    expect(printable(english)).toBe(english);
  });
});

test('printable keeps what Windows-1252 has and replaces the rest', () => {
  expect(printable('Núñez Ébène € “ok” – Šárka')).toBe('Núñez Ébène € “ok” – Šárka');
  expect(printable('Řehoř Dvořák')).toBe('Rehor Dvorák');
  expect(printable('Łukasz 李')).toBe('?ukasz ?');
  expect(printable('5:06\u202fAM\nnext')).toBe('5:06\u00a0AM\nnext');
});

describe('InvitationPrinter render', () => {
  it('draws one A4 page with the texts and a QR code of the link', async () => {
    const pdf = readPdf(await printer.render(invitation, ['en'], 'a4'));
    expect(pdf.pages).toEqual([{ width: 595.28, height: 841.89 }]);
    expect(pdf.qrCodes).toEqual([invitation.link]);
    for (const text of [
      'Join Plant',
      'Hello Luis,',
      'Marta invites you to join Plant.',
      'Install the Ommnio app',
      'This invitation expires on March 4, 2026',
      'This code is personal',
    ]) {
      expect(pdf.text).toContain(text);
    }
    // Links wrap where the line ends, as on any printed page.
    const squeezed = pdf.text.replace(/ /g, '');
    expect(squeezed).toContain('https://ommnio.example/app');
    expect(squeezed).toContain(invitation.link);
  });

  it('keeps to one Letter page whatever the host put in the names and URLs', async () => {
    const long: PrintableInvitation = {
      workspaceName: 'W'.repeat(200),
      inviterName: 'Marta '.repeat(33),
      inviteeName: 'Luis '.repeat(40),
      app: { name: 'A'.repeat(100), url: `https://ommnio.example/${'a'.repeat(2000)}` },
      link: `https://hr.example/invitations/accept?token=${'t'.repeat(300)}`,
      expiresAt: invitation.expiresAt,
    };
    const pdf = readPdf(await printer.render(long, ['fr'], 'letter'));
    expect(pdf.pages).toEqual([{ width: 612, height: 792 }]);
    expect(pdf.qrCodes).toEqual([long.link]);
    expect(pdf.text.replace(/ /g, '')).toContain(long.link);
    expect(pdf.text).toContain('Cette invitation expire le 4 mars 2026');
  });
});
