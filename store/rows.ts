/** A nullable timestamptz as `em.execute` returns it (text), as a Date. */
export const dateOrNull = (value: string | null): Date | null => (value === null ? null : new Date(value));
