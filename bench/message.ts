import type { SendMailOptions } from 'nodemailer';

/** The email the baselines send for row `index`: as short as an invitation can be. */
export function baselineMessage(email: string, index: number): SendMailOptions {
  return {
    from: 'bench@inviteflow.local',
    to: email,
    subject: 'You are invited to Bench',
    text: `Person ${index}, join Bench: http://localhost/invitations/accept?token=${index}`,
  };
}
