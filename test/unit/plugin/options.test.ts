import { createInviteflowPlugin, InviteflowInputError } from 'inviteflow/plugin';

const valid = {
  databaseUrl: 'postgres://inviteflow@127.0.0.1:1/nowhere',
  smtpUrl: 'smtp://127.0.0.1:1',
  secret: 'a'.repeat(32),
  publicBaseUrl: 'https://host.example',
};

test.each([
  ['secret', { ...valid, secret: 'short' }, 'secret: must be at least 32 characters'],
  ['publicBaseUrl', { ...valid, publicBaseUrl: 'ftp://host.example' }, 'publicBaseUrl:'],
  ['databaseUrl', { ...valid, databaseUrl: 'mysql://127.0.0.1/x' }, 'databaseUrl:'],
  ['databaseUrl', { ...valid, databaseUrl: undefined }, 'databaseUrl: give exactly one of databaseUrl and orm'],
  [
    'smtpUrl',
    { ...valid, transport: { sendMail: () => undefined } },
    'smtpUrl: give exactly one of smtpUrl and transport',
  ],
  ['transport', { ...valid, smtpUrl: undefined, transport: {} }, 'transport: must be a nodemailer transport'],
  ['twilio.accountSid', { ...valid, twilio: { accountSid: 'nope', authToken: 't', from: '+1' } }, 'twilio.accountSid:'],
])('a bad %s is refused by name, before anything is opened', async (field, options, message) => {
  const error = await createInviteflowPlugin(options as never).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(InviteflowInputError);
  expect((error as Error).message).toContain('invalid inviteflow plugin options');
  expect((error as Error).message).toContain(message);
  expect((error as InviteflowInputError).issues.map((issue) => issue.field)).toContain(field);
});
