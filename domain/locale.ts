/** The language every template ships in, so there is always one to fall back to. */
export const defaultLocale = 'en';

/**
 * The locales to try, best first: each wanted one, then its language
 * (`fr-CA`, then `fr`), and English last.
 */
export function localeCandidates(wanted: readonly (string | null | undefined)[]): string[] {
  const tags = wanted.flatMap((locale) => (locale ? [locale, locale.split('-')[0] ?? locale] : []));
  return [...new Set([...tags, defaultLocale])];
}

// Building a DateTimeFormat costs far more than formatting with one, so one per locale is kept;
// locales are caller input, hence the bound.
const longDateFormats = new Map<string, Intl.DateTimeFormat>();
const maxLongDateFormats = 100;

/** A date and time as readers of `locale` write them, in UTC and saying so: the reader may be anywhere. */
export function longDate(iso: string, locale: string): string {
  let format = longDateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' });
    if (longDateFormats.size >= maxLongDateFormats) longDateFormats.clear();
    longDateFormats.set(locale, format);
  }
  return `${format.format(new Date(iso))} UTC`;
}
