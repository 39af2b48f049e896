import type { MikroORM } from '@mikro-orm/postgresql';
import { memberColumns, memberView, type MemberRow } from './members';
import { enqueueWebhookEvents, type EndpointsToWake } from './webhook-outbox';
import type { MembershipStep } from '../domain/membership';

/**
 * An event of a guest membership's end, keyed by that end: a retried step
 * queues it once, and a renewed membership announces its new end afresh.
 */
async function announce(
  orm: MikroORM,
  type: 'member.expiring' | 'member.expired',
  step: MembershipStep,
  change: string,
): Promise<EndpointsToWake> {
  return orm.em.fork().transactional(async (em) => {
    const [row] = await em.execute<MemberRow[]>(`${change} returning ${memberColumns}`, [
      step.workspaceId,
      step.userId,
      step.expiresAt,
    ]);
    if (!row) return [];
    const member = memberView(row);
    return enqueueWebhookEvents(em, [
      {
        type,
        key: `${type}:${step.workspaceId}:${step.userId}:${step.expiresAt}`,
        orderingKey: `${step.workspaceId}:${step.userId}`,
        workspaceId: step.workspaceId,
        timestamp: new Date().toISOString(),
        data: { member },
      },
    ]);
  });
}

/** `member.expiring`, for an active member whose membership still ends then. */
export const announceExpiring = (orm: MikroORM, step: MembershipStep) =>
  announce(
    orm,
    'member.expiring',
    step,
    // A no-op update: it reads the row only if it still ends then, and locks it against a renewal meanwhile.
    `update members set expires_at = expires_at
     where workspace_id = ? and user_id = ? and expires_at = ? and status = 'active'`,
  );

/** Disables the member whose membership ends then, with `member.expired`. */
export const expireMember = (orm: MikroORM, step: MembershipStep) =>
  announce(
    orm,
    'member.expired',
    step,
    `update members set status = 'disabled'
     where workspace_id = ? and user_id = ? and expires_at = ? and status = 'active'`,
  );
