import { hostOf, isNetwork, refusedAddress } from '../../../domain/webhook-targets';

describe('refusedAddress', () => {
  test.each([
    ['169.254.169.254', 'linkLocal'],
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.254', 'benchmarking'],
    ['64:ff9b:1::a00:1', 'local-use NAT64'],
    ['::7f00:1', 'IPv4-compatible'],
    ['::a00:1', 'IPv4-compatible'],
    ['100::1', 'discard-only'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedAddress(address, [])).toContain(range);
  });

  test.each(['93.184.215.14', '8.8.8.8', '198.20.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b:2::1'])(
    'allows public %s',
    (address) => {
      expect(refusedAddress(address, [])).toBeNull();
    },
  );

  test('allowed networks win, and only for what they contain', () => {
    const allowed = ['127.0.0.0/8', '::1', '10.0.0.0/8'];
    expect(refusedAddress('127.0.0.1', allowed)).toBeNull();
    expect(refusedAddress('::1', allowed)).toBeNull();
    expect(refusedAddress('10.200.0.1', allowed)).toBeNull();
    expect(refusedAddress('169.254.169.254', allowed)).toContain('linkLocal');
    expect(refusedAddress('192.168.0.1', allowed)).toContain('private');
  });

  test('refuses what is not an address', () => {
    expect(refusedAddress('example.org', [])).toContain('not an IP address');
  });
});

test('isNetwork accepts addresses and CIDRs only', () => {
  expect(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8'].map(isNetwork)).toEqual([true, true, true, true]);
  expect(['10.0.0.0/33', 'localhost', '', '10.0.0.0/x'].map(isNetwork)).toEqual([false, false, false, false]);
});

test('hostOf unwraps IPv6 literals', () => {
  expect(hostOf('http://[::1]:8080/hooks')).toBe('::1');
  expect(hostOf('https://hooks.example.org/x')).toBe('hooks.example.org');
  expect(hostOf('http://2130706433/')).toBe('127.0.0.1');
});
