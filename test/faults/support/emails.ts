import type { CaughtMail } from '../../../embedded/mail-catcher';

export interface EmailTally {
  /** Invitees of the run who received nothing. */
  missing: string[];
  /** Emails beyond the first of each invitee: the same send delivered again. */
  duplicates: number;
  /** The invitees who received more than one email, with when each arrived (epoch ms, oldest first). */
  duplicated: { email: string; arrivals: number[] }[];
  /** Invitees who received two different Message-IDs, though each was sent once. */
  differingMessageIds: string[];
  total: number;
}

/**
 * Counts what the SMTP server received for `emails`, by Message-ID
 * (activities/mail.ts gives each send a stable one, so a retried send
 * reuses it).
 */
export function tallyEmails(caught: CaughtMail[], emails: string[]): EmailTally {
  const byInvitee = new Map<string, CaughtMail[]>();
  for (const mail of caught) {
    for (const to of mail.to) byInvitee.set(to, [...(byInvitee.get(to) ?? []), mail]);
  }
  const received = emails.map((email) => ({ email, mails: byInvitee.get(email) ?? [] }));
  return {
    missing: received.filter(({ mails }) => mails.length === 0).map(({ email }) => email),
    duplicates: received.reduce((sum, { mails }) => sum + Math.max(mails.length - 1, 0), 0),
    duplicated: received
      .filter(({ mails }) => mails.length > 1)
      .map(({ email, mails }) => ({ email, arrivals: mails.map((mail) => Date.parse(mail.receivedAt)) })),
    differingMessageIds: received
      .filter(({ mails }) => new Set(mails.map((mail) => mail.messageId)).size > 1)
      .map(({ email }) => email),
    total: received.reduce((sum, { mails }) => sum + mails.length, 0),
  };
}

/**
 * How long after a kill a copy may still reach the SMTP server from the dead
 * worker: one whose last bytes the worker wrote just before it died, which
 * the server reads from the socket and parses after.
 */
const lateArrivalMs = 2_000;

/** The fault that explains a repeated copy: the first one after (or just before) the previous copy, before this one. */
function explainingFault(previous: number, later: number, faultsAt: number[]): number | undefined {
  return [...faultsAt].sort((a, b) => a - b).find((at) => previous - lateArrivalMs <= at && at <= later);
}

/**
 * The duplicates no fault explains: two copies of one send with no fault
 * between their arrivals. A copy that reached the SMTP server around a kill,
 * whose success the dead worker never recorded, is sent again after it; any
 * other repeat would be a bug.
 */
export function unexplainedDuplicates(tally: EmailTally, faultsAt: number[]): string[] {
  return tally.duplicated
    .filter(({ arrivals }) =>
      arrivals.slice(1).some((later, i) => explainingFault(arrivals[i]!, later, faultsAt) === undefined),
    )
    .map(({ email }) => email);
}

/** For each repeated copy, how long before the fault that explains it its previous copy arrived (ms; negative: after). */
export function arrivalsBeforeFaults(tally: EmailTally, faultsAt: number[]): number[] {
  return tally.duplicated.flatMap(({ arrivals }) =>
    arrivals.slice(1).map((later, i) => {
      const fault = explainingFault(arrivals[i]!, later, faultsAt);
      return fault === undefined ? NaN : fault - arrivals[i]!;
    }),
  );
}
