import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createSmsActivities, twilioStatusCallbackUrl } from '../../../activities/sms';
import { SmsTemplates } from '../../../delivery/sms-templates';
import { createTwilioSender } from '../../../delivery/twilio';
import type { WorkspaceReader } from '../../../store/workspaces';
import { transition, type InvitationState } from '../../../domain/invitation';
import { smsSegments } from '../../../domain/sms';
import { verifyInvitationToken } from '../../../domain/tokens';
import { workspaceSettingsSchema } from '../../../domain/workspace';
import { freePort } from '../../../embedded/free-port';
import { startSmsCatcher, type SmsCatcher } from '../../../embedded/sms-catcher';
import { newTestInvitation } from '../../support/invitations';

const secret = 'sms-test-secret-sms-test-secret-012345';
const clock = new Date('2026-03-01T10:00:00Z');
const publicBaseUrl = 'https://invites.acme.example';

function sentTo(phone: string, overrides: { locale?: string; inviterName?: string } = {}): InvitationState {
  const created = newTestInvitation(
    {
      id: 'inv_sms',
      invitee: { email: null, phone, name: null, userId: null },
      channels: ['sms'],
      inviter: { userId: 'u1', roles: ['admin'], name: overrides.inviterName ?? 'Bob' },
      locale: overrides.locale ?? null,
    },
    clock,
  );
  return transition(created, { type: 'send' }, clock);
}

function workspaceNamed(name: string): WorkspaceReader {
  return {
    get: async (id) => ({ id, name, settings: workspaceSettingsSchema.parse({}), createdAt: '', updatedAt: '' }),
  };
}

let catcher: SmsCatcher;

beforeAll(async () => {
  catcher = await startSmsCatcher();
});

afterAll(async () => {
  await catcher?.stop();
});

/** The activities as a worker runs them: in an activity context, which heartbeats. */
function inActivityContext(activities: ReturnType<typeof createSmsActivities>) {
  const environment = new MockActivityEnvironment({}, { logger: new DefaultLogger('ERROR') });
  type Input = Parameters<typeof activities.sendInvitationSms>[0];
  type Sent = ReturnType<typeof activities.sendInvitationSms>;
  return {
    sendInvitationSms: (input: Input): Sent => environment.run(activities.sendInvitationSms, input),
    sendReminderSms: (input: Input): Sent => environment.run(activities.sendReminderSms, input),
  };
}

function activitiesFor(apiUrl: string, workspaces = workspaceNamed('Acme')) {
  return inActivityContext(
    createSmsActivities({
      sender: createTwilioSender({
        accountSid: catcher.accountSid,
        authToken: catcher.authToken,
        from: '+15005550006',
        apiUrl,
      }),
      templates: new SmsTemplates(),
      workspaces,
      secret,
      publicBaseUrl,
    }),
  );
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const failure = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(ApplicationFailure);
  return failure as ApplicationFailure;
}

test('sends the invitation link with a status callback naming the invitation and message', async () => {
  const invitation = sentTo('+33612345678', { locale: 'fr' });
  const { sid } = (await activitiesFor(catcher.url).sendInvitationSms({ invitation }))!;

  const sms = catcher.messages().find((message) => message.sid === sid)!;
  expect(sms.to).toBe('+33612345678');
  expect(sms.body).toMatch(
    /^Bob vous invite à rejoindre Acme\. Accepter : https:\/\/invites\.acme\.example\/invitations\/accept\?token=\S+$/,
  );
  const token = new URL(/https:\S+/.exec(sms.body)![0]).searchParams.get('token')!;
  expect(verifyInvitationToken(secret, token)).toBe('inv_sms');
  expect(sms.statusCallback).toBe(`${publicBaseUrl}/v1/providers/twilio/status?invitation=inv_sms&send=1&reminder=0`);
  expect(sms.statusCallback).toBe(twilioStatusCallbackUrl(publicBaseUrl, invitation));
});

test('long names are shortened so the SMS stays within two segments, and the link stays whole', async () => {
  const longName = 'Établissement Public de Coopération Culturelle des Hauts-de-France et de Normandie';
  const invitation = sentTo('+33612345679', { inviterName: 'Marie-Thérèse de La Rochefoucauld-Montmorency' });
  const { sid } = (await activitiesFor(catcher.url, workspaceNamed(`${longName} 🌻`)).sendInvitationSms({
    invitation,
  }))!;

  const sms = catcher.messages().find((message) => message.sid === sid)!;
  expect(smsSegments(sms.body)).toBeLessThanOrEqual(2);
  expect(sms.numSegments).toBeLessThanOrEqual(2);
  expect(sms.body).toContain('https://invites.acme.example/invitations/accept?token=');
  expect(sms.body).not.toContain(longName);
});

test('a number Twilio refuses is a permanent failure, quoting Twilio’s code and not the number', async () => {
  const failure = await failureOf(activitiesFor(catcher.url).sendInvitationSms({ invitation: sentTo('+15005550001') }));

  expect(failure.nonRetryable).toBe(true);
  expect(failure.type).toBe('sms_rejected');
  expect(failure.message).toBe('Twilio refused the SMS (error 21211)');
});

test('Twilio out of reach is retried', async () => {
  const failure = await failureOf(
    activitiesFor(`http://127.0.0.1:${await freePort()}`).sendInvitationSms({ invitation: sentTo('+33612345678') }),
  );

  expect(failure.nonRetryable).toBe(false);
  expect(failure.type).toBe('sms_unavailable');
});

test('without Twilio configured, an SMS fails for good (so a fallback can take over); no phone, nothing to send', async () => {
  const unconfigured = inActivityContext(
    createSmsActivities({
      sender: null,
      templates: new SmsTemplates(),
      workspaces: workspaceNamed('Acme'),
      secret,
      publicBaseUrl,
    }),
  );

  const failure = await failureOf(unconfigured.sendInvitationSms({ invitation: sentTo('+33612345678') }));
  expect(failure.type).toBe('sms_not_configured');
  expect(failure.nonRetryable).toBe(true);
  const phoneless = {
    ...sentTo('+33612345678'),
    invitee: { email: 'a@example.org', phone: null, name: null, userId: null },
  };
  expect(await unconfigured.sendInvitationSms({ invitation: phoneless })).toBeNull();
});

test('a reminder has its own text and callback', async () => {
  const reminded = { ...sentTo('+34612345678', { locale: 'es' }) };
  reminded.events = [...reminded.events, { seq: 3, type: 'reminded', at: clock.toISOString(), by: null }];
  const { sid } = (await activitiesFor(catcher.url).sendReminderSms({ invitation: reminded }))!;

  const sms = catcher.messages().find((message) => message.sid === sid)!;
  expect(sms.body).toMatch(/^Recordatorio: Bob te ha invitado a unirte a Acme\. Acepta: https:/);
  expect(sms.statusCallback).toContain('send=1&reminder=1');
});
