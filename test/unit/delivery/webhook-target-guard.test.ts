import type { LookupAddress } from 'node:dns';
import { boundedResolver, refusedWebhookTarget, type Resolver } from '../../../delivery/webhook-target-guard';

const publicAddress: LookupAddress[] = [{ address: '93.184.215.14', family: 4 }];
const never: Resolver = () => new Promise(() => undefined);

describe('boundedResolver', () => {
  test('answers what the resolver answers', async () => {
    await expect(boundedResolver(() => Promise.resolve(publicAddress), 50)('example.org')).resolves.toEqual(
      publicAddress,
    );
  });

  test('gives up on a lookup that never answers, within its timeout', async () => {
    const started = Date.now();
    await expect(boundedResolver(never, 50)('hangs.example')).rejects.toThrow('did not resolve within 50 ms');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  test('with two lookups stuck, fails new ones at once, and recovers when they return', async () => {
    const stuck: (() => void)[] = [];
    let answer: Resolver = () => new Promise((resolve) => stuck.push(() => resolve(publicAddress)));
    const resolve = boundedResolver((host) => answer(host), 20);
    await expect(resolve('a.example')).rejects.toThrow('did not resolve');
    await expect(resolve('b.example')).rejects.toThrow('did not resolve');
    answer = () => Promise.resolve(publicAddress);
    await expect(resolve('c.example')).rejects.toThrow('DNS lookups are not answering');

    for (const release of stuck) release();
    await new Promise((settle) => setImmediate(settle));
    await expect(resolve('c.example')).resolves.toEqual(publicAddress);
  });
});

test('a webhook URL whose name does not resolve in time is let through, to be checked at each delivery', async () => {
  const started = Date.now();
  expect(await refusedWebhookTarget('https://hangs.example/hooks', [], boundedResolver(never, 50))).toBeNull();
  expect(Date.now() - started).toBeLessThan(1_000);
});
