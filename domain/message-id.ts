import type { MessageRef } from './invitation';

/**
 * The Message-IDs of invitation emails: `<inv_….<send>[.r<reminder>]@<domain>>`,
 * stable per invitation, send and reminder, so a retried send is
 * recognisable downstream and a provider's report on one leads back to it.
 */

/** The part of a Message-ID that names the invitation's message, without the domain. */
export function messageLocalPart(invitationId: string, message: MessageRef): string {
  return `${invitationId}.${message.send}${message.reminder > 0 ? `.r${message.reminder}` : ''}`;
}

/** The domain of the sender's address (MAIL_FROM), which the Message-IDs carry. */
export function messageIdDomain(mailFrom: string): string {
  return /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'inviteflow.local';
}

export function invitationMessageId(invitationId: string, message: MessageRef, mailFrom: string): string {
  return `<${messageLocalPart(invitationId, message)}@${messageIdDomain(mailFrom)}>`;
}

const localPart = /^(inv_[A-Za-z0-9_-]{1,64})\.([1-9]\d{0,5})(?:\.r([1-9]\d{0,3}))?$/;

/** The invitation and message a local part names; `undefined` for anything inviteflow did not make. */
export function parseMessageLocalPart(text: string): { invitationId: string; message: MessageRef } | undefined {
  const match = localPart.exec(text);
  if (!match) return undefined;
  return { invitationId: match[1]!, message: { send: Number(match[2]), reminder: Number(match[3] ?? 0) } };
}

/**
 * The invitation and message a Message-ID names, angle brackets optional (as
 * providers report it): only one of this sender's domain, so a report on
 * another system's mail that happens to look alike is not taken for ours.
 */
export function parseMessageId(
  messageId: string,
  domain: string,
): { invitationId: string; message: MessageRef } | undefined {
  const match = /^<?([^<>@\s]+)@([^<>@\s]+)>?$/.exec(messageId.trim());
  if (!match || match[2]!.toLowerCase() !== domain.toLowerCase()) return undefined;
  return parseMessageLocalPart(match[1]!);
}
