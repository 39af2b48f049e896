import { getCountries, isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

/**
 * The key two addresses are the same person by: case-insensitive, and
 * plus-tags kept, because `ana+work@x.org` may well be a different inbox.
 */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** The countries national numbers can be read in. */
export const phoneCountries: readonly CountryCode[] = getCountries();

/** Whether national numbers can be read in a country (ISO 3166 alpha-2, e.g. `ES`). */
export function isPhoneCountry(country: string): country is CountryCode {
  return isSupportedCountry(country);
}

/**
 * E.164 form of a number, or `undefined` when it is not a valid one. Without
 * a country only international forms read (`+34…`); with one, national forms
 * too (`612 34 56 78`, `0034 612 345 678` from Spain).
 */
export function normalisePhone(phone: string, country?: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(phone.trim(), country);
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
