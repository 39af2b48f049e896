import { createTransport } from 'nodemailer';
import { MailWaitTimeoutError, startMailCatcher, type MailCatcher } from '../../../embedded/mail-catcher';

describe('mail catcher', () => {
  let catcher: MailCatcher;

  beforeAll(async () => {
    catcher = await startMailCatcher();
  });

  afterAll(async () => {
    await catcher.stop();
  });

  beforeEach(() => catcher.clear());

  it('parses a message delivered over SMTP', async () => {
    const arrival = catcher.waitFor((mail) => mail.subject === 'You are invited');
    await createTransport(catcher.url).sendMail({
      from: '"Acme Invitations" <invites@acme.test>',
      to: 'jane@example.test',
      bcc: 'audit@acme.test',
      subject: 'You are invited',
      text: 'Accept here: https://acme.test/i/abc',
      html: '<p>Accept <a href="https://acme.test/i/abc">here</a></p>',
      messageId: '<invitation-abc@acme.test>',
      headers: { 'X-Invitation-Id': 'abc' },
    });

    const mail = await arrival;
    expect(mail).toMatchObject({
      messageId: '<invitation-abc@acme.test>',
      from: '"Acme Invitations" <invites@acme.test>',
      to: ['jane@example.test', 'audit@acme.test'],
      subject: 'You are invited',
      text: expect.stringContaining('https://acme.test/i/abc') as unknown,
      html: expect.stringContaining('<a href="https://acme.test/i/abc">') as unknown,
    });
    expect(mail.headers['x-invitation-id']).toBe('abc');
    expect(mail.headers.bcc).toBeUndefined();
    expect(Date.parse(mail.receivedAt)).not.toBeNaN();
    expect(catcher.messages().map((m) => m.id)).toEqual([mail.id]);
    await expect(catcher.waitFor((m) => m.id === mail.id, 10)).resolves.toBe(mail);
  });

  it('rejects a wait that times out without naming addresses', async () => {
    await createTransport(catcher.url).sendMail({
      from: 'a@acme.test',
      to: 'b@example.test',
      subject: 'unrelated',
      text: '.',
    });
    await catcher.waitFor((mail) => mail.subject === 'unrelated');

    const wait = catcher.waitFor((mail) => mail.to.includes('nobody@example.test'), 200);
    await expect(wait).rejects.toBeInstanceOf(MailWaitTimeoutError);
    await expect(wait).rejects.toThrow(/^[^@]*$/);
  });

  it('forgets messages on clear', async () => {
    await createTransport(catcher.url).sendMail({ from: 'a@acme.test', to: 'b@example.test', subject: 'x', text: '.' });
    await catcher.waitFor(() => true);
    catcher.clear();
    expect(catcher.messages()).toEqual([]);
  });
});
