import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { generateInvitationCode, type InvitationCode, type InvitationCodeUpdate } from '../domain/invitation-code';
import { RuleViolation } from '../domain/error-codes';

export interface InvitationCodeRow {
  workspace_id: string;
  code: string;
  disabled: boolean;
  expires_at: Date | null;
  max_uses: number | null;
  uses: number;
  created_at: Date;
}

export const codeColumns = 'workspace_id, code, disabled, expires_at, max_uses, uses, created_at';

export function fromRow(row: InvitationCodeRow): InvitationCode {
  return {
    workspaceId: row.workspace_id,
    code: row.code,
    disabled: row.disabled,
    expiresAt: row.expires_at ? new Date(row.expires_at) : null,
    maxUses: row.max_uses,
    uses: row.uses,
    createdAt: new Date(row.created_at),
  };
}

/** A custom code another workspace holds. Telling so is an answer about that code, so it counts as a failed try. */
export class CodeTaken extends RuleViolation {
  constructor() {
    super('validation_failed', 'is not available; choose another code', '/code');
  }
}

/** Two generated codes colliding is rare (31^8 codes); five in a row means something else is wrong. */
const generationTries = 5;

/** Runs `write` with fresh codes until one is not taken by another workspace. */
async function withFreshCode(write: (code: string) => Promise<InvitationCodeRow | undefined>) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write(generateInvitationCode());
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException) || attempt >= generationTries) throw error;
    }
  }
}

async function findCode(em: EntityManager, workspaceId: string): Promise<InvitationCode | undefined> {
  const [row] = await em.execute<InvitationCodeRow[]>(
    `select ${codeColumns} from invitation_codes where workspace_id = ?`,
    [workspaceId],
  );
  return row && fromRow(row);
}

/** The workspace's code, made on first read: every workspace has one when asked. */
export async function getInvitationCode(orm: MikroORM, workspaceId: string): Promise<InvitationCode> {
  const em = orm.em.fork();
  const existing = await findCode(em, workspaceId);
  if (existing) return existing;
  const created = await withFreshCode(async (code) => {
    const [row] = await em.execute<InvitationCodeRow[]>(
      `insert into invitation_codes (workspace_id, code) values (?, ?)
       on conflict (workspace_id) do nothing returning ${codeColumns}`,
      [workspaceId, code],
    );
    return row;
  });
  // Nothing inserted: a parallel first read made the code first.
  return created ? fromRow(created) : (await findCode(em, workspaceId))!;
}

/**
 * Replaces the code with a fresh one, which starts with no uses; the
 * settings stay. Invitations sent before are separate and keep working.
 */
export async function rotateInvitationCode(orm: MikroORM, workspaceId: string): Promise<InvitationCode> {
  const em = orm.em.fork();
  const row = await withFreshCode(async (code) => {
    const [rotated] = await em.execute<InvitationCodeRow[]>(
      `insert into invitation_codes (workspace_id, code) values (?, ?)
       on conflict (workspace_id) do update set code = excluded.code, uses = 0, created_at = now(), updated_at = now()
       returning ${codeColumns}`,
      [workspaceId, code],
    );
    return rotated;
  });
  return fromRow(row!);
}

/**
 * Sets a custom code and/or the settings; fields left out keep their value.
 * A code that differs from the current one is a new code: no uses yet.
 */
export async function updateInvitationCode(
  orm: MikroORM,
  workspaceId: string,
  update: InvitationCodeUpdate,
): Promise<InvitationCode> {
  const current = await getInvitationCode(orm, workspaceId);
  const code = update.code ?? current.code;
  const isNewCode = code !== current.code;
  try {
    const [row] = await orm.em.fork().execute<InvitationCodeRow[]>(
      `update invitation_codes set code = ?, disabled = ?, expires_at = ?, max_uses = ?,
         uses = case when ? then 0 else uses end, created_at = case when ? then now() else created_at end,
         updated_at = now()
       where workspace_id = ? returning ${codeColumns}`,
      [
        code,
        update.disabled ?? current.disabled,
        update.expiresAt === undefined ? current.expiresAt : update.expiresAt,
        update.maxUses === undefined ? current.maxUses : update.maxUses,
        isNewCode,
        isNewCode,
        workspaceId,
      ],
    );
    return fromRow(row!);
  } catch (error) {
    if (error instanceof UniqueConstraintViolationException) throw new CodeTaken();
    throw error;
  }
}
