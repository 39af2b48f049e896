import { Router } from 'express';
import { invitationCodeView } from '../../domain/invitation-code';
import { routes } from '../../contract';
import type { ApiContext } from '../context';
import { CodeTaken, getInvitationCode, rotateInvitationCode, updateInvitationCode } from '../../store/invitation-codes';
import { attemptClient, joinAttemptGuard } from '../join-attempts';
import { serve } from '../serve';
import { getWorkspace } from '../../store/workspaces';

/** The workspace's invitation code, which hosts show their admins to share. */
export function invitationCodeRouter(ctx: ApiContext): Router {
  const router = Router();
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts);

  serve(router, routes.getInvitationCode, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    return { status: 200, body: invitationCodeView(await getInvitationCode(ctx.orm, workspace.id)) };
  });

  serve(router, routes.rotateInvitationCode, async ({ params }) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    return { status: 200, body: invitationCodeView(await rotateInvitationCode(ctx.orm, workspace.id)) };
  });

  serve(router, routes.putInvitationCode, async ({ params, body: update }, req) => {
    const workspace = await getWorkspace(ctx.orm, params.ws);
    const write = () => updateInvitationCode(ctx.orm, workspace.id, update);
    // Whether a chosen code is taken tells whether it joins some workspace: rate limited like a join.
    const code = update.code
      ? await guarded(attemptClient(req, { workspaceId: workspace.id }), write, (error) => error instanceof CodeTaken)
      : await write();
    return { status: 200, body: invitationCodeView(code) };
  });

  return router;
}
