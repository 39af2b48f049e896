// A worker still bundling its workflows at start, or a busy machine, answers 503 for a while.
const maxAttempts = 30;

/** The calls a host platform makes to inviteflow that the benches need around what they measure. */
export class HostCalls {
  readonly headers: Record<string, string>;
  /** Answers 503 `unavailable` retried after their `Retry-After`, as inviteflow's client does: counted, not hidden. */
  retriedUnavailable = 0;

  constructor(
    readonly apiUrl: string,
    apiKey: string,
  ) {
    this.headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const answer = await fetch(`${this.apiUrl}${path}`, {
        method,
        headers: this.headers,
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (answer.ok) return (await answer.json()) as T;
      const text = await answer.text();
      if (answer.status !== 503 || attempt === maxAttempts) {
        throw new Error(`${method} ${path}: ${answer.status} ${text}`);
      }
      this.retriedUnavailable += 1;
      const seconds = Number(answer.headers.get('retry-after')) || 1;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }

  async putWorkspace(workspaceId: string): Promise<void> {
    await this.call('PUT', `/v1/workspaces/${workspaceId}`, { name: `Bench ${workspaceId}` });
  }

  /** A retried create finds the invitation the first try opened: one open invitation per person. */
  async createInvitation(workspaceId: string, body: unknown): Promise<{ id: string; status: string }> {
    return this.call('POST', `/v1/workspaces/${workspaceId}/invitations`, body);
  }

  /** The token of an invitation's link, as the host gets it to share or show as a QR code. */
  async tokenOf(workspaceId: string, invitationId: string): Promise<string> {
    const { url } = await this.call<{ url: string }>(
      'GET',
      `/v1/workspaces/${workspaceId}/invitations/${invitationId}/link`,
    );
    const token = new URL(url).searchParams.get('token');
    if (!token) throw new Error(`the link of ${invitationId} carries no token: ${url}`);
    return token;
  }

  /** The ids of up to `count` pending invitations of a workspace, newest first. */
  async pendingIds(workspaceId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const query = `status=pending&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { data: { id: string }[]; nextCursor: string | null } = await this.call(
        'GET',
        `/v1/workspaces/${workspaceId}/invitations?${query}`,
      );
      ids.push(...page.data.map((invitation) => invitation.id));
      cursor = page.nextCursor;
    } while (cursor && ids.length < count);
    return ids.slice(0, count);
  }
}
