import { DAY } from '../../../domain/duration';
import { expiredRetentionMs } from '../../../domain/invitation';
import { newTestInvitation } from '../../support/invitations';
import { startTimeSkippingStack, type TimeSkippingStack } from '../../support/time-skipping';

let stack: TimeSkippingStack;

beforeAll(async () => {
  stack = await startTimeSkippingStack();
});

afterAll(async () => {
  await stack?.stop();
});

test('a 7-day invitation expires at the moment of expiry, in test time, and is projected as expired', async () => {
  const invitation = newTestInvitation();
  const final = await stack.runToTheEnd(invitation);

  const sent = final.events.find((event) => event.type === 'sent')!;
  const expired = final.events.find((event) => event.type === 'expired')!;
  expect(final.status).toBe('expired');
  expect(Date.parse(expired.at) - Date.parse(sent.at)).toBeGreaterThanOrEqual(7 * DAY);
  expect(Date.parse(expired.at) - Date.parse(sent.at)).toBeLessThan(7 * DAY + 60_000);
  expect(final.expiresAt).toBe(new Date(Date.parse(sent.at) + 7 * DAY).toISOString());
  // The run stays open for resends until the retention ends, then closes as expired.
  expect(await stack.env.currentTimeMs()).toBeGreaterThanOrEqual(Date.parse(expired.at) + expiredRetentionMs - 60_000);

  const [row] = await stack.orm.em
    .fork()
    .execute('select status, version from invitations where id = ?', [invitation.id]);
  expect(row).toEqual({ status: 'expired', version: final.events.length });
  expect(stack.catcher.messages().filter((mail) => mail.messageId?.includes(invitation.id))).toHaveLength(1);
});
