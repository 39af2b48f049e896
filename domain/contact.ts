import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/**
 * The key two addresses are the same person by: case-insensitive, and
 * plus-tags kept, because `ana+work@x.org` may well be a different inbox.
 */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** E.164 form of an international number, or `undefined` when it is not a valid one. */
export function normalisePhone(phone: string): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim());
  return parsed?.isValid() ? parsed.number : undefined;
}
