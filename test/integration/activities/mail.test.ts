import type { AddressInfo } from 'node:net';
import type { MikroORM } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { EmailTemplates } from '../../../delivery/email-templates';
import { createMailActivities } from '../../../activities/mail';
import { createSentMessages, type SentMessages } from '../../../store/sent-messages';
import type { WorkspaceReader } from '../../../store/workspaces';
import { DAY } from '../../../domain/duration';
import { transition } from '../../../domain/invitation';
import { verifyInvitationToken } from '../../../domain/tokens';
import { workspaceSettingsSchema } from '../../../domain/workspace';
import { startMailCatcher } from '../../../embedded/mail-catcher';
import { deliveries } from '../../../runtime/metrics';
import { openTestDatabase } from '../../support/database';
import { linkIn } from '../../support/harness';
import { newTestInvitation } from '../../support/invitations';
import type { TemplateOverrides } from '../../../store/email-templates';

const secret = 'mail-test-secret-mail-test-secret-0123';
const clock = new Date('2026-03-01T10:00:00Z');
const invitation = transition(newTestInvitation({ id: 'inv_mail' }, clock), { type: 'send' }, clock);

const workspaces: WorkspaceReader = {
  get: async (id) => ({ id, name: 'Acme', settings: workspaceSettingsSchema.parse({}), createdAt: '', updatedAt: '' }),
};

/** For the tests that are not about the sent-message record: nothing was sent before, nothing is remembered. */
const nothingRecorded: SentMessages = {
  sendOnce: async (_messageId, send) => {
    await send();
    return 'sent';
  },
};

let orm: MikroORM;

beforeAll(async () => {
  orm = await openTestDatabase();
});

afterAll(async () => {
  await orm?.close();
});

function activitiesFor(
  smtpUrl: string,
  {
    overrides = async () => new Map(),
    sentMessages = nothingRecorded,
    environment = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') }),
  }: { overrides?: TemplateOverrides; sentMessages?: SentMessages; environment?: MockActivityEnvironment } = {},
) {
  const activities = createMailActivities({
    transport: nodemailer.createTransport(smtpUrl),
    templates: new EmailTemplates(),
    workspaces,
    overrides,
    sentMessages,
    mailFrom: 'Acme invitations <invites@acme.example>',
    secret,
    publicBaseUrl: 'https://app.acme.example',
  });
  // As a worker runs them: in an activity context, which heartbeats and logs.
  return {
    sendInvitationEmail: (input: Parameters<typeof activities.sendInvitationEmail>[0]) =>
      environment.run(activities.sendInvitationEmail, input),
    sendReminderEmail: (input: Parameters<typeof activities.sendReminderEmail>[0]) =>
      environment.run(activities.sendReminderEmail, input),
  };
}

async function alreadySentCount(): Promise<number> {
  const { values } = await deliveries.get();
  return values.find(({ labels }) => labels.channel === 'email' && labels.outcome === 'already_sent')?.value ?? 0;
}

/** A real SMTP server that answers every recipient with one reply code. */
async function smtpAnswering(code: number) {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onRcptTo(_address, _session, callback) {
      const error = Object.assign(new Error(`mailbox unavailable: ana@example.org`), { responseCode: code });
      callback(error);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test('the invitation email carries the link, the details, a privacy notice and a stable Message-ID', async () => {
  const catcher = await startMailCatcher();
  try {
    await activitiesFor(catcher.url).sendInvitationEmail({ invitation });
    const [mail] = catcher.messages();
    expect(mail!.to).toEqual(['ana@example.org']);
    expect(mail!.subject).toBe('Bob invited you to join Acme');
    expect(mail!.messageId).toBe('<inv_mail.1@acme.example>');
    const link = linkIn(mail!.text);
    expect(link.origin + link.pathname).toBe('https://app.acme.example/invitations/accept');
    expect(verifyInvitationToken(secret, link.searchParams.get('token')!)).toBe('inv_mail');
    expect(mail!.text).toContain('as member');
    expect(mail!.text).toContain('did not give it to us yourself');
    expect(mail!.text).toContain('This invitation expires on March 8, 2026 at 10:00 AM UTC.');
    expect(mail!.html).toContain(`href="${link.toString().replace('=', '&#x3D;')}"`);
  } finally {
    await catcher.stop();
  }
});

test.each([
  [
    'fr',
    'Bob vous invite à rejoindre Acme',
    'Cette invitation expire le 8 mars 2026',
    'vous ne nous l’avez pas donnée',
  ],
  ['es-MX', 'Bob te invita a unirte a Acme', 'Esta invitación caduca el 8 de marzo de 2026', 'no nos la diste tú'],
  ['de', 'Bob invited you to join Acme', 'expires on March 8, 2026', 'did not give it to us yourself'],
])(
  'an invitation in %s is written in its language, or in the workspace’s',
  async (locale, subject, expiry, privacy) => {
    const catcher = await startMailCatcher();
    try {
      await activitiesFor(catcher.url).sendInvitationEmail({ invitation: { ...invitation, locale } });
      const [mail] = catcher.messages();
      expect(mail!.subject).toBe(subject);
      expect(mail!.text).toContain(expiry);
      expect(mail!.text).toContain(privacy);
      expect(mail!.html).toContain(`<html lang="${locale === 'de' ? 'en' : locale.slice(0, 2)}">`);
    } finally {
      await catcher.stop();
    }
  },
);

test.each([
  ['en', 'Bob sent your invitation to join Acme again', 'The invitation is valid again until March 8, 2026'],
  ['fr', 'Bob vous renvoie l’invitation à rejoindre Acme', 'L’invitation est de nouveau valable jusqu’au 8 mars 2026'],
  [
    'es',
    'Bob te reenvía la invitación para unirte a Acme',
    'La invitación vuelve a ser válida hasta el 8 de marzo de 2026',
  ],
])('a resend in %s has its own email, with the same link and its own Message-ID', async (locale, subject, expiry) => {
  const catcher = await startMailCatcher();
  try {
    const resent = { ...invitation, locale, sendCount: 2 };
    await activitiesFor(catcher.url).sendInvitationEmail({ invitation: resent });
    const [mail] = catcher.messages();
    expect(mail!.subject).toBe(subject);
    expect(mail!.text).toContain(expiry);
    expect(mail!.messageId).toBe('<inv_mail.2@acme.example>');
    expect(verifyInvitationToken(secret, linkIn(mail!.text).searchParams.get('token')!)).toBe('inv_mail');
  } finally {
    await catcher.stop();
  }
});

test('a permanent SMTP refusal (5xx) fails at once, without the address in the message', async () => {
  const smtp = await smtpAnswering(550);
  try {
    const failure = await activitiesFor(smtp.url)
      .sendInvitationEmail({ invitation })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(true);
    expect((failure as ApplicationFailure).type).toBe('smtp_rejected');
    expect((failure as Error).message).not.toContain('ana@example.org');
  } finally {
    await smtp.close();
  }
});

test('a temporary SMTP refusal (4xx) is retryable, and names no address either', async () => {
  const smtp = await smtpAnswering(451);
  try {
    const failure = await activitiesFor(smtp.url)
      .sendInvitationEmail({ invitation })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as ApplicationFailure).type).toBe('smtp_unavailable');
    expect((failure as Error).message).toBe('SMTP could not take the invitation email (reply 451)');
  } finally {
    await smtp.close();
  }
});

test('an SMTP server that is not there is retryable', async () => {
  const failure = await activitiesFor('smtp://127.0.0.1:9')
    .sendInvitationEmail({ invitation })
    .catch((error: unknown) => error);
  expect(failure).toBeInstanceOf(ApplicationFailure);
  expect((failure as ApplicationFailure).nonRetryable).toBe(false);
  expect((failure as Error).message).toMatch(/^SMTP could not take the invitation email \((ECONNECTION|ESOCKET)\)$/);
});

test('a reminder repeats the link and the privacy notice, with a Message-ID of its own per send and reminder', async () => {
  const catcher = await startMailCatcher();
  try {
    const paced = { ...invitation, reminderOffsetsMs: [DAY, 2 * DAY] };
    const first = transition(paced, { type: 'remind' }, new Date(clock.getTime() + DAY));
    const second = transition(first, { type: 'remind' }, new Date(clock.getTime() + 2 * DAY));
    await activitiesFor(catcher.url).sendInvitationEmail({ invitation });
    await activitiesFor(catcher.url).sendReminderEmail({ invitation: first });
    await activitiesFor(catcher.url).sendReminderEmail({ invitation: second });

    const [sent, reminded, remindedAgain] = catcher.messages();
    expect(reminded!.subject).toBe('Reminder: your invitation to join Acme is waiting');
    expect(reminded!.messageId).toBe('<inv_mail.1.r1@acme.example>');
    expect(remindedAgain!.messageId).toBe('<inv_mail.1.r2@acme.example>');
    expect(new Set([sent, reminded, remindedAgain].map((mail) => mail!.messageId)).size).toBe(3);
    expect(linkIn(reminded!.text).href).toBe(linkIn(sent!.text).href);
    expect(reminded!.text).toContain('A reminder: Bob invited you to join Acme as member');
    expect(reminded!.text).toContain('This invitation expires on March 8, 2026 at 10:00 AM UTC.');
    expect(reminded!.text).toContain('did not give it to us yourself');
    expect(reminded!.html).toContain('did not give it to us yourself');
  } finally {
    await catcher.stop();
  }
});

test('a workspace override replaces the shipped template in its language only', async () => {
  const catcher = await startMailCatcher();
  const override = {
    subject: '{{workspaceName}} vous attend',
    html: '<p>Rejoignez-nous : <a href="{{link}}">ici</a></p>',
    text: 'Rejoignez-nous : {{link}}',
  };
  const overrides: TemplateOverrides = async (workspaceId, name) =>
    new Map(workspaceId === 'w1' && name === 'invitation' ? [['fr', override]] : []);
  try {
    await activitiesFor(catcher.url, { overrides }).sendInvitationEmail({
      invitation: { ...invitation, locale: 'fr-CA' },
    });
    await activitiesFor(catcher.url, { overrides }).sendInvitationEmail({
      invitation: { ...invitation, locale: 'es' },
    });
    const [french, spanish] = catcher.messages();
    expect(french!.subject).toBe('Acme vous attend');
    expect(linkIn(french!.text).searchParams.get('token')).toBe(linkIn(spanish!.text).searchParams.get('token'));
    expect(spanish!.subject).toBe('Bob te invita a unirte a Acme');
  } finally {
    await catcher.stop();
  }
});

test('a retried send whose email the SMTP server already accepted sends nothing, and says so in the metrics', async () => {
  const catcher = await startMailCatcher();
  const sentMessages = createSentMessages(orm);
  const retried = { ...invitation, id: 'inv_mail_retried' };
  try {
    await activitiesFor(catcher.url, { sentMessages }).sendInvitationEmail({ invitation: retried });
    const before = await alreadySentCount();
    await activitiesFor(catcher.url, { sentMessages }).sendInvitationEmail({ invitation: retried });

    expect(catcher.messages().map((mail) => mail.messageId)).toEqual(['<inv_mail_retried.1@acme.example>']);
    expect(await alreadySentCount()).toBe(before + 1);
    // A resend is another message: it goes out.
    await activitiesFor(catcher.url, { sentMessages }).sendInvitationEmail({
      invitation: { ...retried, sendCount: 2 },
    });
    expect(catcher.messages().map((mail) => mail.messageId)).toEqual([
      '<inv_mail_retried.1@acme.example>',
      '<inv_mail_retried.2@acme.example>',
    ]);
  } finally {
    await catcher.stop();
  }
});

test('a reminder already accepted is not sent again either', async () => {
  const catcher = await startMailCatcher();
  const sentMessages = createSentMessages(orm);
  const reminded = transition(
    { ...invitation, id: 'inv_mail_reminded', reminderOffsetsMs: [DAY] },
    { type: 'remind' },
    new Date(clock.getTime() + DAY),
  );
  try {
    await activitiesFor(catcher.url, { sentMessages }).sendReminderEmail({ invitation: reminded });
    await activitiesFor(catcher.url, { sentMessages }).sendReminderEmail({ invitation: reminded });
    expect(catcher.messages().map((mail) => mail.messageId)).toEqual(['<inv_mail_reminded.1.r1@acme.example>']);
  } finally {
    await catcher.stop();
  }
});

test('without the record reachable, nothing is sent and the failure is retryable, without SQL', async () => {
  const catcher = await startMailCatcher();
  const unreadable: SentMessages = {
    sendOnce: async () => {
      throw Object.assign(new Error("insert into sent_messages (message_id) values ('<inv_mail.1@acme.example>')"), {
        name: 'ConnectionException',
        code: '57P01',
      });
    },
  };
  try {
    const failure = await activitiesFor(catcher.url, { sentMessages: unreadable })
      .sendInvitationEmail({ invitation })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).nonRetryable).toBe(false);
    expect((failure as Error).message).toBe(
      'claiming the sent-message record failed (ConnectionException, SQLSTATE 57P01)',
    );
    expect(catcher.messages()).toEqual([]);
  } finally {
    await catcher.stop();
  }
});

test('a send heartbeats every 2 s while the SMTP server takes its time, and not at its start', async () => {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => setTimeout(() => callback(), 4_500));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  const environment = new MockActivityEnvironment({}, { logger: new DefaultLogger('WARN') });
  let heartbeats = 0;
  environment.on('heartbeat', () => (heartbeats += 1));
  try {
    await activitiesFor(`smtp://127.0.0.1:${port}`, { environment }).sendInvitationEmail({ invitation });
    // None at the start (the heartbeat timeout counts from there anyway), then one every 2 s while the server holds it.
    expect(heartbeats).toBe(2);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
