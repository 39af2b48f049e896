import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { SuppressionReason } from '../domain/suppression';

/** Table `suppressed_addresses`; the first reason an address was suppressed for is kept. */
export async function suppressAddress(
  orm: MikroORM,
  workspaceId: string,
  addressHash: string,
  reason: SuppressionReason,
): Promise<void> {
  await orm.em
    .fork()
    .execute(
      'insert into suppressed_addresses (workspace_id, address_hash, reason) values (?, ?, ?) on conflict do nothing',
      [workspaceId, addressHash, reason],
    );
}

export async function suppressionOf(
  em: EntityManager,
  workspaceId: string,
  addressHash: string,
): Promise<SuppressionReason | undefined> {
  const [row] = await em.execute<{ reason: SuppressionReason }[]>(
    'select reason from suppressed_addresses where workspace_id = ? and address_hash = ?',
    [workspaceId, addressHash],
  );
  return row?.reason;
}
