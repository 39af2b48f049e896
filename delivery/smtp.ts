import nodemailer, { type Transporter } from 'nodemailer';
import { concurrentSends } from '../store/sent-messages';

/**
 * Pooled: connections stay open between messages, so a burst of invitations
 * (a bulk import) is not one TCP and SMTP handshake each; as many as sends
 * run at once. `SMTP_URL` query parameters (`?pool=false&maxConnections=2`)
 * take precedence.
 */
export function createMailTransport(smtpUrl: string): Transporter {
  return nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: concurrentSends });
}
