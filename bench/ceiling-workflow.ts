import { proxyActivities } from '@temporalio/workflow';

export interface CeilingActivities {
  sendInvitationEmail(email: string, index: number): Promise<void>;
}

const { sendInvitationEmail } = proxyActivities<CeilingActivities>({ startToCloseTimeout: '1 minute' });

/** The least a workflow per invitation can do: one activity that sends the email, no projection, no timers. */
export async function ceilingWorkflow(email: string, index: number): Promise<void> {
  await sendInvitationEmail(email, index);
}
