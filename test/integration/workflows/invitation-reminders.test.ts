import { DAY } from '../../../domain/duration';
import type { InvitationState } from '../../../domain/invitation';
import { linkIn } from '../../support/harness';
import { newTestInvitation } from '../../support/invitations';
import { startTimeSkippingStack, type TimeSkippingStack } from '../../support/time-skipping';

let stack: TimeSkippingStack;

const privacyNotice = 'You receive this email because a member of Acme entered your address to invite you';

beforeAll(async () => {
  stack = await startTimeSkippingStack();
});

afterAll(async () => {
  await stack?.stop();
});

const newInvitation = (...reminderOffsetsMs: number[]): InvitationState => newTestInvitation({ reminderOffsetsMs });

function mailsFor(invitationId: string) {
  return stack.catcher
    .messages()
    .filter((mail) => mail.messageId?.includes(invitationId))
    .sort((a, b) => (a.messageId ?? '').localeCompare(b.messageId ?? ''));
}

const timeOf = (state: InvitationState, type: string, nth = 0): number =>
  Date.parse(state.events.filter((event) => event.type === type)[nth]!.at);

test('a 7-day invitation with reminders at 3 and 6 days reminds twice, on time, then expires', async () => {
  const invitation = newInvitation(3 * DAY, 6 * DAY);

  const final = await stack.runToTheEnd(invitation);

  expect(final.status).toBe('expired');
  expect(final.events.map((event) => event.type)).toEqual(['created', 'sent', 'reminded', 'reminded', 'expired']);
  const sentAt = timeOf(final, 'sent');
  for (const [nth, offset] of [3 * DAY, 6 * DAY].entries()) {
    expect(timeOf(final, 'reminded', nth) - sentAt).toBeGreaterThanOrEqual(offset);
    expect(timeOf(final, 'reminded', nth) - sentAt).toBeLessThan(offset + 60_000);
  }
  expect(timeOf(final, 'expired') - sentAt).toBeGreaterThanOrEqual(7 * DAY);

  // The projection's history is the workflow's, reminders included.
  const em = stack.orm.em.fork();
  const history = await em.execute<{ type: string; by: string | null }[]>(
    'select type, by from invitation_events where invitation_id = ? order by seq',
    [invitation.id],
  );
  expect(history.map((event) => event.type)).toEqual(['created', 'sent', 'reminded', 'reminded', 'expired']);
  expect(history.filter((event) => event.type === 'reminded').map((event) => event.by)).toEqual([null, null]);
  const [row] = await em.execute('select status, send_count, version from invitations where id = ?', [invitation.id]);
  expect(row).toEqual({ status: 'expired', send_count: 1, version: 5 });

  // One invitation email and two reminders, each with its own stable Message-ID and the same link.
  const mails = mailsFor(invitation.id);
  expect(mails.map((mail) => mail.messageId)).toEqual([
    `<${invitation.id}.1.r1@example.org>`,
    `<${invitation.id}.1.r2@example.org>`,
    `<${invitation.id}.1@example.org>`,
  ]);
  const [firstReminder, secondReminder, invitationMail] = mails;
  for (const reminder of [firstReminder!, secondReminder!]) {
    expect(reminder.subject).toBe('Reminder: your invitation to join Acme is waiting');
    expect(reminder.text).toContain('A reminder: Bob invited you to join Acme as member');
    expect(reminder.text).toContain(privacyNotice);
    expect(reminder.html).toContain(privacyNotice);
    expect(linkIn(reminder.text).href).toBe(linkIn(invitationMail!.text).href);
  }
  expect(invitationMail!.subject).toBe('Bob invited you to join Acme');
});

test('reminders at or after the expiry never go; one before it does', async () => {
  const invitation = newInvitation(3 * DAY, 7 * DAY, 8 * DAY);

  const final = await stack.runToTheEnd(invitation);

  expect(final.events.map((event) => event.type)).toEqual(['created', 'sent', 'reminded', 'expired']);
  expect(mailsFor(invitation.id).map((mail) => mail.messageId)).toEqual([
    `<${invitation.id}.1.r1@example.org>`,
    `<${invitation.id}.1@example.org>`,
  ]);
});
