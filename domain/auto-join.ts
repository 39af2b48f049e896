import type { Registration } from './registration';
import type { WorkspaceSettings } from './workspace';

export type AutoJoin = NonNullable<WorkspaceSettings['autoJoin']>;

/** The domain of an address, as workspaces list theirs: what follows the last `@`, in lower case. */
export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * How a registering user joins a workspace by email domain, if they do: only
 * with an email the host verified, whose domain the workspace lists exactly
 * (a subdomain is another domain, which the host has not vouched for).
 */
export function autoJoinOf(
  settings: Pick<WorkspaceSettings, 'autoJoin'>,
  registration: Pick<Registration, 'email' | 'emailVerified'>,
): AutoJoin | null {
  const { autoJoin } = settings;
  if (!autoJoin || !registration.email || !registration.emailVerified) return null;
  return autoJoin.domains.includes(emailDomain(registration.email)) ? autoJoin : null;
}
