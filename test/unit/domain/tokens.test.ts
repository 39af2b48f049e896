import { invitationToken, verifyInvitationToken } from '../../../domain/tokens';

const secret = 'test-secret-that-is-at-least-32-characters-long';
const otherSecret = 'another-secret-that-is-at-least-32-characters-long';
const id = 'inv_AbCdEfGhIjKlMnOpQrSt';

/** Changes one character of a base64url string to another base64url character. */
function flipChar(text: string, index: number): string {
  const replacement = text[index] === 'A' ? 'B' : 'A';
  return text.slice(0, index) + replacement + text.slice(index + 1);
}

describe('invitationToken', () => {
  test('is "<invitationId>.<base64url HMAC-SHA256>"', () => {
    const token = invitationToken(secret, id);

    expect(token.startsWith(`${id}.`)).toBe(true);
    // 32 bytes of HMAC-SHA256 are 43 unpadded base64url characters.
    expect(token.slice(id.length + 1)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('is the same every time for the same id and secret, so a resent link stays the same', () => {
    expect(invitationToken(secret, id)).toBe(invitationToken(secret, id));
  });

  test('differs between ids and between secrets', () => {
    const token = invitationToken(secret, id);

    expect(invitationToken(secret, 'inv_other').split('.')[1]).not.toBe(token.split('.')[1]);
    expect(invitationToken(otherSecret, id)).not.toBe(token);
  });

  test('contains no part of the secret', () => {
    const token = invitationToken(secret, id);

    expect(token).not.toContain(secret);
    expect(token).not.toContain(Buffer.from(secret).toString('base64url'));
    expect(token).not.toContain('test-secret');
  });
});

describe('verifyInvitationToken', () => {
  test('round trip: a token gives back its invitation id', () => {
    expect(verifyInvitationToken(secret, invitationToken(secret, id))).toBe(id);
  });

  test('an id containing dots round-trips too (the MAC is after the last dot)', () => {
    expect(verifyInvitationToken(secret, invitationToken(secret, 'inv.with.dots'))).toBe('inv.with.dots');
  });

  test('a token for another id does not verify for this id', () => {
    const mac = invitationToken(secret, 'inv_other').split('.')[1]!;

    expect(verifyInvitationToken(secret, `${id}.${mac}`)).toBeUndefined();
  });

  test('a tampered id with the original MAC does not verify', () => {
    const mac = invitationToken(secret, id).split('.')[1]!;

    expect(verifyInvitationToken(secret, `${flipChar(id, 5)}.${mac}`)).toBeUndefined();
  });

  test.each([0, 10, 20, 41])('a MAC tampered at character %d does not verify', (index) => {
    const mac = invitationToken(secret, id).split('.')[1]!;

    expect(verifyInvitationToken(secret, `${id}.${flipChar(mac, index)}`)).toBeUndefined();
  });

  test('a token made with another secret does not verify', () => {
    expect(verifyInvitationToken(secret, invitationToken(otherSecret, id))).toBeUndefined();
  });

  test('a token without a dot does not verify', () => {
    const token = invitationToken(secret, id);

    expect(verifyInvitationToken(secret, token.replace('.', ''))).toBeUndefined();
    expect(verifyInvitationToken(secret, id)).toBeUndefined();
  });

  test('the empty string does not verify', () => {
    expect(verifyInvitationToken(secret, '')).toBeUndefined();
  });

  test('a token with an empty id (leading dot) does not verify', () => {
    const mac = invitationToken(secret, '').split('.')[1]!;

    expect(verifyInvitationToken(secret, `.${mac}`)).toBeUndefined();
  });

  test('a token with an empty MAC does not verify', () => {
    expect(verifyInvitationToken(secret, `${id}.`)).toBeUndefined();
  });

  test('an over-long MAC does not verify (and does not throw)', () => {
    const token = invitationToken(secret, id);

    expect(verifyInvitationToken(secret, `${token}AAAA`)).toBeUndefined();
    expect(verifyInvitationToken(secret, `${token}${token.split('.')[1]}`)).toBeUndefined();
  });

  test('a truncated MAC does not verify (and does not throw)', () => {
    const token = invitationToken(secret, id);

    expect(verifyInvitationToken(secret, token.slice(0, -4))).toBeUndefined();
  });

  test('a MAC encoded as hex instead of base64url does not verify', () => {
    const token = invitationToken(secret, id);
    const hex = Buffer.from(token.split('.')[1]!, 'base64url').toString('hex');

    expect(verifyInvitationToken(secret, `${id}.${hex}`)).toBeUndefined();
  });
});
