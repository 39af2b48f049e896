import { twilioCallbackQuerySchema, twilioOutcome, twilioStatusSchema } from '../../../domain/delivery-reports';

const MessageSid = `SM${'0f'.repeat(16)}`;

describe('twilioOutcome', () => {
  test('delivered is a delivery', () => {
    expect(twilioOutcome({ MessageSid, MessageStatus: 'delivered' })).toEqual({ delivered: true });
  });

  test.each(['failed', 'undelivered'])('%s is a failure, with Twilio’s error code when given', (status) => {
    expect(twilioOutcome({ MessageSid, MessageStatus: status, ErrorCode: '30003' })).toEqual({
      delivered: false,
      reason: `Twilio reported the SMS ${status} (error 30003)`,
    });
    expect(twilioOutcome({ MessageSid, MessageStatus: status })?.reason).toBe(`Twilio reported the SMS ${status}`);
  });

  test.each(['queued', 'accepted', 'sending', 'sent', 'read', 'canceled'])('%s says nothing yet', (status) => {
    expect(twilioOutcome({ MessageSid, MessageStatus: status })).toBeUndefined();
  });
});

describe('the callback schemas', () => {
  test('accept what Twilio and inviteflow send', () => {
    expect(twilioStatusSchema.parse({ MessageSid, MessageStatus: 'sent', SmsSid: MessageSid })).toEqual({
      MessageSid,
      MessageStatus: 'sent',
    });
    expect(twilioCallbackQuerySchema.parse({ invitation: 'inv_abc', send: '2', reminder: '0' })).toEqual({
      invitation: 'inv_abc',
      send: 2,
      reminder: 0,
    });
  });

  test('name the field that is wrong', () => {
    const status = twilioStatusSchema.safeParse({ MessageSid: 'SMnope', MessageStatus: 'sent' });
    const query = twilioCallbackQuerySchema.safeParse({ invitation: 'inv_abc', send: '0', reminder: '0' });

    expect(status.error?.issues.map((issue) => issue.path)).toEqual([['MessageSid']]);
    expect(query.error?.issues.map((issue) => issue.path)).toEqual([['send']]);
  });
});
