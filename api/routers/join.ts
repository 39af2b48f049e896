import { Router } from 'express';
import { wakeWebhookDispatchers } from '../../activities/webhook-waker';
import { joinWithCode } from '../../store/code-join';
import type { ApiContext } from '../context';
import { attemptClient, joinAttemptGuard } from '../join-attempts';
import { RuleViolation } from '../../domain/error-codes';
import { routes } from '../../contract';
import { serve } from '../serve';

/** Joining a workspace with its invitation code, which one shared message or poster gives everyone at once. */
export function joinRouter(ctx: ApiContext): Router {
  const router = Router();
  const guarded = joinAttemptGuard(ctx.orm, ctx.secret, ctx.joinAttempts);

  serve(router, routes.joinWithCode, async ({ body: input }, req) => {
    const { member, toWake } = await guarded(
      attemptClient(req, { userId: input.userId }),
      () => joinWithCode(ctx.orm, { ...input, callerWorkspaceId: req.caller?.workspaceId ?? null }),
      (error) => error instanceof RuleViolation && error.code === 'invalid_code',
    );
    await wakeWebhookDispatchers(ctx.temporal, ctx.taskQueue, toWake);
    return { status: 201, body: { member } };
  });

  return router;
}
