import type { MikroORM } from '@mikro-orm/postgresql';
import { enqueueWebhookEvents } from './webhook-outbox';
import { toWorkspace, WorkspaceSchema } from '../db/entities';
import { codeStatus, normaliseCode } from '../domain/invitation-code';
import { codeColumns, fromRow, type InvitationCodeRow } from './invitation-codes';
import { memberColumns, memberEvent, memberView, type MemberChangeResult, type MemberRow } from './members';
import { checkSeats, lockSeats } from './claims';
import { RuleViolation } from '../domain/error-codes';

/** Wrong, disabled, expired, used up or another workspace's: one answer, so a guess learns nothing more. */
const invalidCode = () => new RuleViolation('invalid_code', 'this invitation code is not valid');

export interface CodeJoin {
  code: string;
  userId: string;
  /** A workspace API key joins its own workspace only; `null` for a platform key. */
  callerWorkspaceId: string | null;
}

/**
 * Makes the user an active member of the code's workspace with its
 * `codeJoinRole`, counts the use and queues `member.joined`, all in one
 * transaction. The code's row stays locked until then, so parallel joins
 * cannot use a code past its `maxUses`.
 */
export function joinWithCode(orm: MikroORM, join: CodeJoin): Promise<MemberChangeResult> {
  return orm.em.fork().transactional(async (em) => {
    const [row] = await em.execute<InvitationCodeRow[]>(
      `select ${codeColumns} from invitation_codes where code = ? for update`,
      [normaliseCode(join.code)],
    );
    const code = row && fromRow(row);
    if (!code || codeStatus(code, new Date()) !== 'usable') throw invalidCode();
    if (join.callerWorkspaceId !== null && join.callerWorkspaceId !== code.workspaceId) throw invalidCode();

    const { settings } = toWorkspace(await em.findOneOrFail(WorkspaceSchema, code.workspaceId));
    if (settings.seatLimit !== null) await lockSeats(em, code.workspaceId);
    const [joined] = await em.execute<MemberRow[]>(
      `insert into members (workspace_id, user_id, roles, groups, status, joined_via, invitation_id, joined_at)
       values (?, ?, ?::jsonb, '[]'::jsonb, 'active', 'code', null, now())
       on conflict (workspace_id, user_id) do nothing returning ${memberColumns}`,
      [code.workspaceId, join.userId, JSON.stringify([settings.codeJoinRole])],
    );
    if (!joined) throw new RuleViolation('already_member', 'this user is already a member of the workspace');
    if (settings.seatLimit !== null) await checkSeats(em, code.workspaceId, settings.seatLimit);
    await em.execute('update invitation_codes set uses = uses + 1 where workspace_id = ?', [code.workspaceId]);

    const member = memberView(joined);
    return { member, toWake: await enqueueWebhookEvents(em, [memberEvent('member.joined', member, {})]) };
  });
}
