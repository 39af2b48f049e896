import { isSnsUrl, snsMessageSchema, snsSignatureAlgorithm, snsStringToSign } from '../../../domain/sns-message';

const notification = snsMessageSchema.parse({
  Type: 'Notification',
  MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
  TopicArn: 'arn:aws:sns:us-west-2:123456789012:MyTopic',
  Subject: 'My First Message',
  Message: 'Hello world!',
  Timestamp: '2012-05-02T00:54:06.655Z',
  SignatureVersion: '1',
  Signature:
    'EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=',
  SigningCertURL: 'https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem',
  UnsubscribeURL:
    'https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-west-2:123456789012:MyTopic:c9135db0-26c4-47ec-8998-413945fb5a96',
});

test("a notification's string to sign holds its fields in SNS's order, Subject included when present", () => {
  expect(snsStringToSign(notification)).toBe(
    'Message\nHello world!\nMessageId\n22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324\nSubject\nMy First Message\n' +
      'Timestamp\n2012-05-02T00:54:06.655Z\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\nType\nNotification\n',
  );
  const { Subject: _subject, ...withoutSubject } = notification;
  expect(snsStringToSign(withoutSubject)).not.toContain('Subject');
  expect(snsSignatureAlgorithm(notification)).toBe('RSA-SHA1');
  expect(snsSignatureAlgorithm({ ...notification, SignatureVersion: '2' })).toBe('RSA-SHA256');
});

test("a subscription confirmation's string to sign holds its SubscribeURL and Token", () => {
  const confirmation = {
    ...notification,
    Type: 'SubscriptionConfirmation' as const,
    Token: 't0k',
    SubscribeURL: 'https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription',
  };
  expect(snsStringToSign(confirmation)).toContain(
    'SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription\nTimestamp',
  );
  expect(snsStringToSign(confirmation)).toContain('Token\nt0k\nTopicArn');
  expect(snsStringToSign(confirmation)).not.toContain('Subject');
});

test.each([
  ['https://sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem', true],
  ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-x.pem', true],
  ['http://sns.us-west-2.amazonaws.com/SimpleNotificationService-x.pem', false],
  ['https://sns.us-west-2.amazonaws.com:8443/x.pem', false],
  ['https://sns.us-west-2.amazonaws.com.attacker.example/x.pem', false],
  ['https://attacker.example/sns.us-west-2.amazonaws.com/x.pem', false],
  ['http://127.0.0.1:9999/x.pem', false],
  ['not a url', false],
])('%s is on SNS: %s', (url, expected) => {
  expect(isSnsUrl(url, [])).toBe(expected);
});

test('an origin the operator names is taken as SNS, and only that origin', () => {
  expect(isSnsUrl('http://127.0.0.1:9999/x.pem', ['http://127.0.0.1:9999'])).toBe(true);
  expect(isSnsUrl('http://127.0.0.1:9998/x.pem', ['http://127.0.0.1:9999'])).toBe(false);
});
