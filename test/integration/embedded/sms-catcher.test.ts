import { EventEmitter, once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';
import { freePort } from '../../../embedded/free-port';
import { SmsWaitTimeoutError, startSmsCatcher, type SmsCatcher } from '../../../embedded/sms-catcher';

/** Sends what the SDK addresses to https://api.twilio.com (or a regional host) to `baseUrl` instead. */
class BaseUrlRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const { pathname, search } = new URL(opts.uri);
    return super.request({ ...opts, uri: `${this.baseUrl}${pathname}${search}` });
  }
}

interface ReceivedCallback {
  /** The URL as the receiver saw it, which is what an app validates the signature against. */
  url: string;
  signature: string | undefined;
  params: Record<string, string>;
}

/** A status callback endpoint like an app's: express parsing the form, `/hang` never answering. */
async function startCallbackReceiver() {
  const received: ReceivedCallback[] = [];
  const arrivals = new EventEmitter();
  const app = express();
  app.post('/:route', express.urlencoded({ extended: false }), (req, res) => {
    received.push({ url: `${url}${req.originalUrl}`, signature: req.get('x-twilio-signature'), params: req.body });
    arrivals.emit('callback');
    if (req.params.route !== 'hang') res.sendStatus(204);
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    async waitForCount(count: number): Promise<ReceivedCallback[]> {
      while (received.length < count) await once(arrivals, 'callback', { signal: AbortSignal.timeout(5_000) });
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('SMS catcher', () => {
  const to = '+33612345678';
  const from = '+15005550006';
  let catcher: SmsCatcher;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
  let client: twilio.Twilio;

  beforeAll(async () => {
    catcher = await startSmsCatcher();
    receiver = await startCallbackReceiver();
    client = twilio(catcher.accountSid, catcher.authToken, { httpClient: new BaseUrlRequestClient(catcher.url) });
  });

  afterAll(async () => {
    await catcher.stop();
    await receiver.close();
  });

  beforeEach(() => {
    catcher.clear();
    catcher.setOutcome(() => 'delivered');
    receiver.received.length = 0;
  });

  it('queues a message sent with the twilio SDK and posts signed status callbacks', async () => {
    const statusCallback = `${receiver.url}/status?invitation=inv_1`;
    const body = 'You are invited: https://acme.test/i/abc';

    const message = await client.messages.create({ to, from, body, statusCallback });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message).toMatchObject({
      accountSid: catcher.accountSid,
      to,
      from,
      body,
      status: 'queued',
      direction: 'outbound-api',
      apiVersion: '2010-04-01',
      numSegments: '1',
      errorCode: null,
      price: null,
    });
    expect(message.dateCreated.getTime()).not.toBeNaN();
    expect(catcher.messages()).toEqual([
      expect.objectContaining({ sid: message.sid, to, from, body, statusCallback, numSegments: 1 }),
    ]);

    const [sent, delivered] = await receiver.waitForCount(2);
    expect(sent!.params).toEqual({
      MessageSid: message.sid,
      SmsSid: message.sid,
      AccountSid: catcher.accountSid,
      From: from,
      To: to,
      MessageStatus: 'sent',
      SmsStatus: 'sent',
      ApiVersion: '2010-04-01',
    });
    expect(delivered!.params).toMatchObject({ MessageSid: message.sid, MessageStatus: 'delivered' });
    expect(delivered!.params.ErrorCode).toBeUndefined();
    for (const callback of [sent!, delivered!]) {
      expect(callback.url).toBe(statusCallback);
      expect(twilio.validateRequest(catcher.authToken, callback.signature!, callback.url, callback.params)).toBe(true);
    }
    const tampered = { ...sent!.params, MessageStatus: 'delivered' };
    expect(twilio.validateRequest(catcher.authToken, sent!.signature!, sent!.url, tampered)).toBe(false);

    await until(() => catcher.callbacks().length === 2);
    expect(catcher.callbacks()).toEqual([
      { messageSid: message.sid, status: 'sent', url: statusCallback, responseStatus: 204 },
      { messageSid: message.sid, status: 'delivered', url: statusCallback, responseStatus: 204 },
    ]);
    await expect(client.messages(message.sid).fetch()).resolves.toMatchObject({
      status: 'delivered',
      dateSent: expect.any(Date),
    });
  });

  it('reports an undelivered message with an error code', async () => {
    catcher.setOutcome(() => 'undelivered');
    const message = await client.messages.create({ to, from, body: 'hi', statusCallback: `${receiver.url}/status` });

    const callbacks = await receiver.waitForCount(2);
    expect(callbacks.map((callback) => callback.params.MessageStatus)).toEqual(['sent', 'undelivered']);
    expect(callbacks[0]!.params.ErrorCode).toBeUndefined();
    expect(callbacks[1]!.params.ErrorCode).toBe('30003');
    await until(() => catcher.callbacks().length === 2);
    await expect(client.messages(message.sid).fetch()).resolves.toMatchObject({
      status: 'undelivered',
      errorCode: 30003,
    });
  });

  it('reports a failed message with a single callback, deciding per recipient', async () => {
    catcher.setOutcome((recipient) => (recipient === to ? 'failed' : 'delivered'));
    await client.messages.create({ to, from, body: 'hi', statusCallback: `${receiver.url}/status` });

    await until(() => catcher.callbacks().length === 1);
    expect(receiver.received.map((callback) => callback.params)).toEqual([
      expect.objectContaining({ MessageStatus: 'failed', ErrorCode: '30008' }),
    ]);
    expect(catcher.messages()).toEqual([expect.objectContaining({ status: 'failed', errorCode: 30008, sentAt: null })]);
  });

  it('lets tests wait for a status without a status callback', async () => {
    const message = await client.messages.create({ to, from, body: 'x'.repeat(161) });

    expect(message.numSegments).toBe('2');
    const delivered = await catcher.waitFor((sms) => sms.sid === message.sid && sms.status === 'delivered');
    expect(delivered.sentAt).not.toBeNull();
    expect(catcher.callbacks()).toEqual([]);
  });

  it('accepts a Messaging Service instead of a From number', async () => {
    const messagingServiceSid = `MG${'a'.repeat(32)}`;
    const message = await client.messages.create({ to, messagingServiceSid, body: 'hi' });

    expect(message).toMatchObject({ status: 'accepted', from: null, messagingServiceSid });
  });

  it.each([
    ['the magic invalid number', { to: '+15005550001', from, body: 'hi' }, 21211],
    ['a number that is not E.164', { to: '0612345678', from, body: 'hi' }, 21211],
    ['an empty body', { to, from, body: '' }, 21602],
    ['no sender', { to, body: 'hi' }, 21603],
  ])('rejects %s like Twilio', async (_case, params, code) => {
    const creation = client.messages.create(params);

    await expect(creation).rejects.toBeInstanceOf(twilio.RestException);
    await expect(creation).rejects.toMatchObject({
      status: 400,
      code,
      moreInfo: `https://www.twilio.com/docs/errors/${code}`,
    });
    expect(catcher.messages()).toEqual([]);
  });

  it('rejects a wrong auth token and another account', async () => {
    const httpClient = new BaseUrlRequestClient(catcher.url);
    const wrongToken = twilio(catcher.accountSid, 'wrong-token', { httpClient });
    const otherAccount = twilio(catcher.accountSid, catcher.authToken, {
      httpClient,
      accountSid: `AC${'f'.repeat(32)}`,
    });

    const unauthenticated = wrongToken.messages.create({ to, from, body: 'hi' });
    await expect(unauthenticated).rejects.toBeInstanceOf(twilio.RestException);
    await expect(unauthenticated).rejects.toMatchObject({ status: 401, code: 20003 });
    await expect(otherAccount.messages.create({ to, from, body: 'hi' })).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
    expect(catcher.messages()).toEqual([]);
  });

  it('records callbacks that cannot be delivered without failing', async () => {
    const statusCallback = `http://127.0.0.1:${await freePort()}/status`;
    await client.messages.create({ to, from, body: 'hi', statusCallback });

    await until(() => catcher.callbacks().length === 2);
    expect(catcher.callbacks()).toEqual([
      expect.objectContaining({ status: 'sent', url: statusCallback, error: expect.stringContaining('ECONNREFUSED') }),
      expect.objectContaining({ status: 'delivered', error: expect.stringContaining('ECONNREFUSED') }),
    ]);
  });

  it('abandons pending callbacks on stop', async () => {
    const own = await startSmsCatcher();
    const ownClient = twilio(own.accountSid, own.authToken, { httpClient: new BaseUrlRequestClient(own.url) });
    await ownClient.messages.create({ to, from, body: 'hi', statusCallback: `${receiver.url}/hang` });
    await receiver.waitForCount(1);

    await own.stop();
    expect(own.callbacks()).toEqual([expect.objectContaining({ status: 'sent', error: expect.any(String) })]);
    expect(own.messages()).toEqual([expect.objectContaining({ status: 'sent' })]);
  });

  it('rejects a wait that times out without naming numbers', async () => {
    await client.messages.create({ to, from, body: 'unrelated' });
    await catcher.waitFor((sms) => sms.body === 'unrelated');

    const wait = catcher.waitFor((sms) => sms.to === '+33699999999', 200);
    await expect(wait).rejects.toBeInstanceOf(SmsWaitTimeoutError);
    await expect(wait).rejects.toThrow(/^[^+]*$/);
  });

  it('forgets messages and callbacks on clear', async () => {
    await client.messages.create({ to, from, body: 'hi', statusCallback: `${receiver.url}/status` });
    await until(() => catcher.callbacks().length === 2);

    catcher.clear();
    expect(catcher.messages()).toEqual([]);
    expect(catcher.callbacks()).toEqual([]);
  });
});
