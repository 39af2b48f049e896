import { SecretBox } from '../../../domain/secret-box';

const secret = 'test-secret-that-is-at-least-32-characters-long';
const box = new SecretBox(secret);

/** Replaces one dot-separated part of a sealed value. */
function withPart(sealed: string, index: number, change: (part: string) => string): string {
  const parts = sealed.split('.');
  parts[index] = change(parts[index]!);
  return parts.join('.');
}

/** Flips the lowest bit of the first byte of a base64url part. */
function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] = bytes[0]! ^ 1;
  return bytes.toString('base64url');
}

describe('SecretBox', () => {
  test.each(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'héllo wörld ✓ 🔐', 'x'.repeat(10_000), ''])(
    'round trip of %#',
    (plaintext) => {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    },
  );

  test('sealed values are "v1.<iv>.<tag>.<body>" in base64url and do not show the plaintext', () => {
    const plaintext = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const sealed = box.seal(plaintext);
    const [version, iv, tag, body, ...rest] = sealed.split('.');

    expect(version).toBe('v1');
    expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
    expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(body!, 'base64url')).toHaveLength(Buffer.byteLength(plaintext));
    expect(rest).toEqual([]);
    expect(sealed).not.toContain(plaintext);
    expect(sealed).not.toContain(secret);
  });

  test('sealing the same plaintext twice gives different ciphertexts, both of which open', () => {
    const first = box.seal('same secret');
    const second = box.seal('same secret');

    expect(first).not.toBe(second);
    expect(first.split('.')[1]).not.toBe(second.split('.')[1]);
    expect(box.open(first)).toBe('same secret');
    expect(box.open(second)).toBe('same secret');
  });

  test('another box with the same secret opens it (the key is derived, not random)', () => {
    expect(new SecretBox(secret).open(box.seal('shared'))).toBe('shared');
  });

  test('a box with another secret cannot open it', () => {
    const sealed = box.seal('private');

    expect(() => new SecretBox('another-secret-that-is-at-least-32-characters').open(sealed)).toThrow();
  });

  test.each([
    ['iv', 1],
    ['tag', 2],
    ['body', 3],
  ])('a tampered %s makes open throw', (_name, index) => {
    const sealed = box.seal('do not touch');

    expect(() => box.open(withPart(sealed, index, flipFirstByte))).toThrow();
  });

  test('a body swapped in from another sealed value makes open throw', () => {
    const a = box.seal('aaaaaaaa');
    const b = box.seal('bbbbbbbb');

    expect(() => box.open(withPart(a, 3, () => b.split('.')[3]!))).toThrow();
  });

  test.each([
    ['an unknown version', (sealed: string) => withPart(sealed, 0, () => 'v2')],
    ['a missing body', (sealed: string) => sealed.split('.').slice(0, 3).join('.')],
    ['an empty iv', (sealed: string) => withPart(sealed, 1, () => '')],
    ['an empty tag', (sealed: string) => withPart(sealed, 2, () => '')],
    ['a plain string', () => 'whsec_plaintext'],
    ['an empty string', () => ''],
  ])('%s is "not a sealed secret"', (_name, mangle) => {
    expect(() => box.open(mangle(box.seal('x')))).toThrow('not a sealed secret');
  });

  test('a truncated authentication tag makes open throw', () => {
    const sealed = box.seal('do not touch');
    const truncated = withPart(sealed, 2, (tag) => Buffer.from(tag, 'base64url').subarray(0, 4).toString('base64url'));

    expect(() => box.open(truncated)).toThrow();
  });
});
