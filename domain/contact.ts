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

/**
 * The keys that say two invitations are for the same person: any shared email
 * key, phone number or host user id. Sorted, so concurrent claims lock in one order.
 */
export function personKeys(person: { email: string | null; phone: string | null; userId: string | null }): string[] {
  return [
    person.email && `email:${emailKey(person.email)}`,
    person.phone && `phone:${person.phone}`,
    person.userId && `user:${person.userId}`,
  ]
    .filter((key): key is string => Boolean(key))
    .sort();
}
