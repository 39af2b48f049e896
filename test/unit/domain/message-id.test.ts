import {
  invitationMessageId,
  messageIdDomain,
  messageLocalPart,
  parseMessageId,
  parseMessageLocalPart,
} from '../../../domain/message-id';

const from = 'Acme invitations <invites@acme.example>';

test('a Message-ID names the invitation, the send and the reminder, on the sender domain', () => {
  expect(invitationMessageId('inv_a1', { send: 1, reminder: 0 }, from)).toBe('<inv_a1.1@acme.example>');
  expect(invitationMessageId('inv_a1', { send: 2, reminder: 3 }, from)).toBe('<inv_a1.2.r3@acme.example>');
  expect(messageIdDomain('no-reply@inviteflow.local')).toBe('inviteflow.local');
  expect(messageIdDomain('no address at all')).toBe('inviteflow.local');
});

test('parsing gives back what formatting put in, brackets or not, in any case of the domain', () => {
  for (const message of [
    { send: 1, reminder: 0 },
    { send: 12, reminder: 2 },
  ]) {
    const id = invitationMessageId('inv_Zx-9_', message, from);
    expect(parseMessageId(id, 'acme.example')).toEqual({ invitationId: 'inv_Zx-9_', message });
    expect(parseMessageLocalPart(messageLocalPart('inv_Zx-9_', message))).toEqual({
      invitationId: 'inv_Zx-9_',
      message,
    });
  }
});

test.each([
  ['another domain', '<inv_a1.1@elsewhere.example>'],
  ["another system's id", '<14c5d75ce93.dfd.64b469@acme.example>'],
  ['send zero', '<inv_a1.0@acme.example>'],
  ['reminder zero', '<inv_a1.1.r0@acme.example>'],
  ['two addresses', '<inv_a1.1@acme.example> <inv_b.1@acme.example>'],
  ['nothing', ''],
])('%s is not one of ours', (_what, id) => {
  expect(parseMessageId(id, 'acme.example')).toBeUndefined();
});
