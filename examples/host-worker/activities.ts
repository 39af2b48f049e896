/** The host's own activity, registered beside inviteflow's. */
export function welcomeLine({ userId }: { userId: string }): Promise<string> {
  return Promise.resolve(`welcome aboard, ${userId}`);
}
