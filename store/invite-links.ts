import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { toWorkspace, WorkspaceSchema } from '../db/entities';
import type { Cursor } from '../domain/cursor';
import { RuleViolation } from '../domain/error-codes';
import {
  linkStatus,
  linkTokenHash,
  mayRedeem,
  newLinkToken,
  type InviteLink,
  type RedeemInviteLink,
  type RedemptionView,
} from '../domain/invite-link';
import type { SecretBox } from '../domain/secret-box';
import { joinClauses, readKeysetPage, type Clause, type KeysetPage } from './clauses';
import { joinDirectly, type MemberChangeResult } from './members';

/** A row of `invite_links` as `em.execute` returns it: jsonb parsed, timestamptz as text. */
interface InviteLinkRow {
  id: string;
  workspace_id: string;
  token_ciphertext: string;
  roles: string[];
  groups: string[];
  max_uses: number | null;
  uses: number;
  expires_at: string;
  allowed_email_domains: string[];
  disabled: boolean;
  created_at: string;
}

const linkColumns = `id, workspace_id, token_ciphertext, roles, groups, max_uses, uses, expires_at,
  allowed_email_domains, disabled, created_at`;

/** Reads and writes a workspace's shareable links; tokens are sealed at rest and looked up by keyed hash. */
export function inviteLinks(orm: MikroORM, secret: string, secrets: SecretBox) {
  const toLink = (row: InviteLinkRow): InviteLink => ({
    id: row.id,
    workspaceId: row.workspace_id,
    token: secrets.open(row.token_ciphertext),
    roles: row.roles,
    groups: row.groups,
    maxUses: row.max_uses,
    uses: row.uses,
    expiresAt: new Date(row.expires_at),
    allowedEmailDomains: row.allowed_email_domains,
    disabled: row.disabled,
    createdAt: new Date(row.created_at),
  });

  const notFound = (id: string) =>
    new RuleViolation('invite_link_not_found', `no invite link "${id}" in this workspace`);

  async function updated(workspaceId: string, id: string, sets: Clause[]): Promise<InviteLink> {
    const set = joinClauses(sets, ', ');
    const [row] = await orm.em
      .fork()
      .execute<InviteLinkRow[]>(
        `update invite_links set ${set.sql} where workspace_id = ? and id = ? returning ${linkColumns}`,
        [...set.params, workspaceId, id],
      );
    if (!row) throw notFound(id);
    return toLink(row);
  }

  const tokenSets = (): Clause[] => {
    const token = newLinkToken();
    return [
      ['token_hash = ?', linkTokenHash(secret, token)],
      ['token_ciphertext = ?', secrets.seal(token)],
    ];
  };

  return {
    async create(link: Omit<InviteLink, 'token' | 'uses' | 'disabled' | 'createdAt'>): Promise<InviteLink> {
      const token = newLinkToken();
      const [row] = await orm.em.fork().execute<InviteLinkRow[]>(
        `insert into invite_links (id, workspace_id, token_hash, token_ciphertext, roles, groups, max_uses, expires_at,
           allowed_email_domains)
         values (?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?::jsonb) returning ${linkColumns}`,
        [
          link.id,
          link.workspaceId,
          linkTokenHash(secret, token),
          secrets.seal(token),
          JSON.stringify(link.roles),
          JSON.stringify(link.groups),
          link.maxUses,
          link.expiresAt,
          JSON.stringify(link.allowedEmailDomains),
        ],
      );
      return toLink(row!);
    },

    /** The workspace's links, oldest first. */
    async list(workspaceId: string): Promise<InviteLink[]> {
      const rows = await orm.em
        .fork()
        .execute<InviteLinkRow[]>(
          `select ${linkColumns} from invite_links where workspace_id = ? order by created_at, id`,
          [workspaceId],
        );
      return rows.map(toLink);
    },

    async get(workspaceId: string, id: string): Promise<InviteLink> {
      const [row] = await orm.em
        .fork()
        .execute<InviteLinkRow[]>(`select ${linkColumns} from invite_links where workspace_id = ? and id = ?`, [
          workspaceId,
          id,
        ]);
      if (!row) throw notFound(id);
      return toLink(row);
    },

    update(
      workspaceId: string,
      id: string,
      patch: Partial<
        Pick<InviteLink, 'roles' | 'groups' | 'maxUses' | 'expiresAt' | 'allowedEmailDomains' | 'disabled'>
      >,
    ): Promise<InviteLink> {
      const sets: (Clause | false)[] = [
        patch.roles !== undefined && ['roles = ?::jsonb', JSON.stringify(patch.roles)],
        patch.groups !== undefined && ['groups = ?::jsonb', JSON.stringify(patch.groups)],
        patch.maxUses !== undefined && ['max_uses = ?', patch.maxUses],
        patch.expiresAt !== undefined && ['expires_at = ?', patch.expiresAt],
        patch.allowedEmailDomains !== undefined && [
          'allowed_email_domains = ?::jsonb',
          JSON.stringify(patch.allowedEmailDomains),
        ],
        patch.disabled !== undefined && ['disabled = ?', patch.disabled],
      ];
      const given = sets.filter((set): set is Clause => set !== false);
      return given.length === 0 ? this.get(workspaceId, id) : updated(workspaceId, id, given);
    },

    /** A new token: the old one stops at once, and the new one starts with no uses. */
    rotate: (workspaceId: string, id: string) =>
      updated(workspaceId, id, [...tokenSets(), ['uses = 0'], ['created_at = now()']]),

    async delete(workspaceId: string, id: string): Promise<void> {
      const deleted = await orm.em
        .fork()
        .execute<unknown[]>('delete from invite_links where workspace_id = ? and id = ? returning id', [
          workspaceId,
          id,
        ]);
      if (deleted.length === 0) throw notFound(id);
    },

    /**
     * Makes the user a member with the link's roles and groups, counts the
     * use and logs the redemption, in one transaction: the link's row stays
     * locked until then, so parallel joins cannot use it past its `maxUses`.
     */
    redeem(
      redemption: RedeemInviteLink & { visitorHash: string; callerWorkspaceId: string | null },
    ): Promise<MemberChangeResult & { linkId: string }> {
      return orm.em.fork().transactional(async (em: EntityManager) => {
        const [row] = await em.execute<InviteLinkRow[]>(
          `select ${linkColumns} from invite_links where token_hash = ? for update`,
          [linkTokenHash(secret, redemption.token)],
        );
        const link = row && toLink(row);
        const invalid = () => new RuleViolation('invalid_link', 'this invite link is not valid');
        if (!link || linkStatus(link, new Date()) !== 'usable') throw invalid();
        if (redemption.callerWorkspaceId !== null && redemption.callerWorkspaceId !== link.workspaceId) throw invalid();
        if (!mayRedeem(link, redemption)) {
          throw new RuleViolation(
            'email_domain_not_allowed',
            "this link is for verified emails of the link's domains only",
          );
        }
        const { settings } = toWorkspace(await em.findOneOrFail(WorkspaceSchema, link.workspaceId));
        const joined = await joinDirectly(em, {
          workspaceId: link.workspaceId,
          userId: redemption.userId,
          roles: link.roles,
          groups: link.groups,
          via: 'link',
          seatLimit: settings.seatLimit,
          announced: { link: { id: link.id } },
        });
        await em.execute('update invite_links set uses = uses + 1 where id = ?', [link.id]);
        await em.execute('insert into invite_link_redemptions (link_id, user_id, visitor_hash) values (?, ?, ?)', [
          link.id,
          redemption.userId,
          redemption.visitorHash,
        ]);
        return { ...joined, linkId: link.id };
      });
    },

    /** Who joined with a link and when, newest first. */
    redemptions(linkId: string, query: { cursor?: Cursor; limit: number }): Promise<KeysetPage<RedemptionView>> {
      return readKeysetPage<{ id: string; user_id: string; visitor_hash: string; redeemed_at: string }, RedemptionView>(
        orm.em.fork(),
        {
          // bigint ids come back as text, and order as numbers.
          select: 'select id, user_id, visitor_hash, redeemed_at from invite_link_redemptions',
          filters: [['link_id = ?', linkId]],
          time: 'redeemed_at',
          id: 'id',
          cursor: query.cursor,
          limit: query.limit,
        },
        (row) => ({
          userId: row.user_id,
          visitor: row.visitor_hash,
          redeemedAt: new Date(row.redeemed_at).toISOString(),
        }),
      );
    },
  };
}
