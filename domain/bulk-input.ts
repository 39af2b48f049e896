import { z } from 'zod';
import { emailAddress } from './text';
import { isPhoneCountry, normalisePhone, personKeys } from './contact';
import { createInvitationSchema, groupList, inviterSchema, phoneCountrySchema, roleList } from './invitation-input';

export const maxBulkRows = 10_000;
/** The largest CSV or JSON body accepted, documented; beyond it the API answers 413. */
export const maxBulkBytes = 5 * 1024 * 1024;

/** One row as given: trimmed strings, `line` = where it is in the input (CSV: physical line in the file, header = line 1; pasted list and entries: 1-based position). */
export interface BulkRowInput {
  line: number;
  email?: string;
  phone?: string;
  name?: string;
  roles?: string[];
  groups?: string[];
}

/**
 * Thrown for input that cannot be read at all (not one bad row): malformed
 * CSV, a header without an email or phone column, more than maxBulkRows rows.
 * `field` is where to point the 4xx at, `tooLarge` marks the row-count case
 * (the API answers 413 for it). Messages never quote cell contents, which may
 * be personal data; line numbers only.
 */
export class BulkInputError extends Error {
  override readonly name = 'BulkInputError';

  constructor(
    message: string,
    readonly field: string,
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

export function checkRowCount(count: number, field: string): void {
  if (count > maxBulkRows) {
    throw new BulkInputError(`more than ${maxBulkRows} rows in one import; split it into several`, field, true);
  }
}

export function present(text: string | undefined): string | undefined {
  const trimmed = text?.trim();
  return trimmed ? trimmed : undefined;
}

/** An empty list reads as absent, so the row gets the defaults rather than no roles at all. */
export function presentList(items: string[] | undefined): string[] | undefined {
  const kept = items?.map((item) => item.trim()).filter((item) => item !== '');
  return kept?.length ? kept : undefined;
}

export function parsePastedList(text: string): BulkRowInput[] {
  const emails = text
    .split(/[;,\r\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  checkRowCount(emails.length, '/emails');
  return emails.map((email, index) => ({ line: index + 1, email }));
}

export function entriesToRows(
  entries: { email?: string; phone?: string; name?: string; roles?: string[]; groups?: string[] }[],
): BulkRowInput[] {
  checkRowCount(entries.length, '/entries');
  return entries.map((entry, index) => ({
    line: index + 1,
    email: present(entry.email),
    phone: present(entry.phone),
    name: present(entry.name),
    roles: presentList(entry.roles),
    groups: presentList(entry.groups),
  }));
}

export type RowProblem =
  | 'missing_contact'
  | 'invalid_email'
  | 'invalid_phone'
  | 'phone_consent_required'
  | 'unknown_role'
  | 'duplicate_in_file';

export interface CheckedBulkRow {
  line: number;
  /** As given (trimmed), or null. */
  email: string | null;
  /** E.164 when valid; as given when invalid; null when absent. */
  phone: string | null;
  name: string | null;
  /** The row's roles, or the defaults. */
  roles: string[];
  groups: string[];
  problem: RowProblem | null;
  /** Human explanation naming the field, e.g. 'email: must be a valid email address'; null when no problem. */
  message: string | null;
}

/** The invitations API's rule, so a row accepted here is not refused when it is sent. */
const emailRule = emailAddress;

interface BulkRowRules {
  phoneCountry: string | undefined;
  phoneConsent: boolean;
  knownRoles: ReadonlySet<string>;
}

function rowProblem(
  row: BulkRowInput,
  e164: string | undefined,
  roles: string[],
  rules: BulkRowRules,
): { problem: RowProblem; message: string } | undefined {
  if (row.email === undefined && row.phone === undefined) {
    return { problem: 'missing_contact', message: 'email or phone: one of them is needed' };
  }
  if (row.email !== undefined && !emailRule.safeParse(row.email).success) {
    return { problem: 'invalid_email', message: 'email: must be a valid email address' };
  }
  if (row.phone !== undefined && e164 === undefined) {
    const message = rules.phoneCountry
      ? `phone: must be a valid phone number, international or national to ${rules.phoneCountry}`
      : 'phone: must be a valid international phone number, e.g. +33612345678';
    return { problem: 'invalid_phone', message };
  }
  if (row.phone !== undefined && !rules.phoneConsent) {
    return {
      problem: 'phone_consent_required',
      message: 'phone: needs phoneConsent true, that the invitees agreed to the use of their number',
    };
  }
  const unknownRoles = roles.filter((role) => !rules.knownRoles.has(role));
  if (unknownRoles.length > 0) {
    return {
      problem: 'unknown_role',
      message: `roles: not roles of this workspace: ${unknownRoles.map((role) => `"${role}"`).join(', ')}`,
    };
  }
  return undefined;
}

/**
 * Per-row checks before anything is sent: a contact is needed (email or
 * phone); the email must be valid (same rule as the invitations API); the
 * phone must parse (national forms read in `phoneCountry`); a phone needs
 * `phoneConsent`; roles must be among `knownRoles`; a second row for the same
 * person (any shared personKeys) is 'duplicate_in_file'. Only rows otherwise
 * valid claim a person, so a valid row is never refused because of a bad one
 * above it. Rows keep their input order.
 */
export function checkBulkRows(
  rows: BulkRowInput[],
  options: {
    defaultRoles: string[];
    defaultGroups: string[];
    knownRoles: string[];
    phoneCountry?: string;
    phoneConsent: boolean;
  },
): CheckedBulkRow[] {
  const country =
    options.phoneCountry !== undefined && isPhoneCountry(options.phoneCountry) ? options.phoneCountry : undefined;
  const rules: BulkRowRules = {
    phoneCountry: country,
    phoneConsent: options.phoneConsent,
    knownRoles: new Set(options.knownRoles),
  };
  const claimedOnLine = new Map<string, number>();
  return rows.map((row) => {
    const e164 = row.phone === undefined ? undefined : normalisePhone(row.phone, country);
    const roles = row.roles ?? options.defaultRoles;
    const checked = {
      line: row.line,
      email: row.email ?? null,
      phone: e164 ?? row.phone ?? null,
      name: row.name ?? null,
      roles,
      groups: row.groups ?? options.defaultGroups,
    };
    const problem = rowProblem(row, e164, roles, rules);
    if (problem) return { ...checked, ...problem };

    const keys = personKeys({ email: checked.email, phone: checked.phone, userId: null });
    const claimed = keys.find((key) => claimedOnLine.has(key));
    if (claimed !== undefined) {
      const field = claimed.startsWith('email:') ? 'email' : 'phone';
      return {
        ...checked,
        problem: 'duplicate_in_file' as const,
        message: `${field}: the same person as line ${claimedOnLine.get(claimed)}`,
      };
    }
    for (const key of keys) claimedOnLine.set(key, row.line);
    return { ...checked, problem: null, message: null };
  });
}

/** Email and phone are not validated here: a bad one is reported on its row, not as a 422 of the whole request. */
export const bulkEntrySchema = z.object({
  email: z.string().trim().max(254).optional(),
  phone: z.string().trim().max(50).optional(),
  name: z.string().trim().max(200).optional(),
  roles: roleList.min(1).optional(),
  groups: groupList.optional(),
});

export const bulkJsonSchema = z
  .object({
    emails: z.string().max(maxBulkBytes).optional(),
    entries: z.array(bulkEntrySchema).max(maxBulkRows).optional(),
    roles: roleList.min(1).optional(),
    groups: groupList.optional(),
    inviter: inviterSchema,
    send: z.boolean().default(true),
    locale: createInvitationSchema.shape.locale,
    phoneCountry: phoneCountrySchema,
    phoneConsent: z.boolean().default(false),
  })
  .refine((input) => (input.emails === undefined) !== (input.entries === undefined), {
    message: 'needs emails or entries, not both',
  })
  .meta({ oneOf: [{ required: ['emails'] }, { required: ['entries'] }] });

const commaList = z.string().transform((text) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== ''),
);
const booleanText = z.enum(['true', 'false']).transform((text) => text === 'true');

/** The settings of bulkJsonSchema as query-string fields, for a text/csv body. */
export const bulkCsvQuerySchema = z.object({
  inviterUserId: inviterSchema.shape.userId,
  inviterRoles: commaList.pipe(roleList.min(1)),
  inviterName: inviterSchema.shape.name,
  roles: commaList.pipe(roleList.min(1)).optional(),
  groups: commaList.pipe(groupList).optional(),
  send: booleanText.default(true),
  locale: createInvitationSchema.shape.locale,
  phoneCountry: phoneCountrySchema,
  phoneConsent: booleanText.default(false),
});
