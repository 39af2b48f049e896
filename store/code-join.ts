import type { MikroORM } from '@mikro-orm/postgresql';
import { toWorkspace, WorkspaceSchema } from '../db/entities';
import { codeStatus, normaliseCode } from '../domain/invitation-code';
import { codeColumns, fromRow, type InvitationCodeRow } from './invitation-codes';
import { joinDirectly, type MemberChangeResult } from './members';
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
    const joined = await joinDirectly(em, {
      workspaceId: code.workspaceId,
      userId: join.userId,
      roles: [settings.codeJoinRole],
      via: 'code',
      seatLimit: settings.seatLimit,
    });
    await em.execute('update invitation_codes set uses = uses + 1 where workspace_id = ?', [code.workspaceId]);
    return joined;
  });
}
