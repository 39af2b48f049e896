import { Router } from 'express';
import { invitationCodeView, updateInvitationCodeSchema } from '../../domain/invitation-code';
import type { ApiContext } from '../context';
import { CodeTaken, getInvitationCode, rotateInvitationCode, updateInvitationCode } from '../invitation-code-store';
import { attemptClient, joinAttemptGuard } from '../join-attempts';
import { parseBody, withCheckedPathParams } from '../validate';
import { authorizedWorkspace } from '../workspace-store';

/** The workspace's invitation code, which hosts show their admins to share. */
export function invitationCodeRouter(ctx: ApiContext): Router {
  const router = withCheckedPathParams(Router());
  const path = '/v1/workspaces/:ws/invitation-code';
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts);

  router.get(path, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    res.json(invitationCodeView(await getInvitationCode(ctx.orm, workspace.id)));
  });

  router.post(`${path}/rotate`, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    res.json(invitationCodeView(await rotateInvitationCode(ctx.orm, workspace.id)));
  });

  router.put(path, async (req, res) => {
    const workspace = await authorizedWorkspace(ctx.orm, req);
    const update = parseBody(updateInvitationCodeSchema, req);
    const write = () => updateInvitationCode(ctx.orm, workspace.id, update);
    // Whether a chosen code is taken tells whether it joins some workspace: rate limited like a join.
    const code = update.code
      ? await guarded(attemptClient(req, { workspaceId: workspace.id }), write, (error) => error instanceof CodeTaken)
      : await write();
    res.json(invitationCodeView(code));
  });

  return router;
}
