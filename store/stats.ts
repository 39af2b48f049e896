import type { MikroORM } from '@mikro-orm/postgresql';
import type { InvitationStatus } from '../domain/invitation';
import {
  funnelSlice,
  statusCounts,
  type FunnelCounts,
  type StatsPeriod,
  type WorkspaceStats,
  statsChannels,
} from '../domain/stats';

/**
 * The invitations created in the period, each with when it was first sent:
 * every figure below is counted over this one set, computed once.
 */
const periodSql = `
with period as (
  select i.id, i.status, i.created_at, i.accepted_at, i.inviter ->> 'userId' as inviter,
    case when jsonb_array_length(i.channels) = 0 then '["link"]'::jsonb else i.channels end as channels,
    (select min(e.at) from invitation_events e where e.invitation_id = i.id and e.type = 'sent') as first_sent_at
  from invitations i
  where i.workspace_id = ? and i.created_at >= ? and i.created_at < ?
)`;

const funnelColumns = `count(*)::int as total,
  count(*) filter (where first_sent_at is not null or status = 'accepted')::int as reached,
  count(*) filter (where status = 'accepted')::int as accepted`;

type CountsRow = FunnelCounts & Record<string, unknown>;

/** Each breakdown as a JSON array of its rows, so the period is scanned once for all of them. */
const breakdownsSql = `${periodSql}
select
  (select row_to_json(overall) from (
     select ${funnelColumns},
       percentile_cont(0.5) within group (
         order by extract(epoch from accepted_at - coalesce(first_sent_at, created_at))
       ) filter (where status = 'accepted') as median_seconds
     from period) overall) as overall,
  (select coalesce(json_agg(s), '[]') from (
     select status, count(*)::int as count from period group by status) s) as by_status,
  (select coalesce(json_agg(c order by c.channel), '[]') from (
     select channel, ${funnelColumns}
     from period, jsonb_array_elements_text(period.channels) as channel
     group by channel) c) as by_channel,
  (select coalesce(json_agg(i order by i.total desc, i.user_id), '[]') from (
     select inviter as user_id, ${funnelColumns}
     from period where inviter is not null
     group by inviter order by total desc, inviter limit 100) i) as by_inviter`;

interface BreakdownsRow {
  overall: CountsRow & { median_seconds: number | null };
  by_status: { status: InvitationStatus; count: number }[];
  by_channel: (CountsRow & { channel: (typeof statsChannels)[number] })[];
  by_inviter: (CountsRow & { user_id: string })[];
}

/** Counts by status, by channel and by inviter, and the median time to accept, over one period. */
export async function workspaceStats(orm: MikroORM, workspaceId: string, period: StatsPeriod): Promise<WorkspaceStats> {
  const [row] = await orm.em.fork().execute<BreakdownsRow[]>(breakdownsSql, [workspaceId, period.from, period.to]);
  const { overall, by_status: byStatus, by_channel: byChannel, by_inviter: byInviter } = row!;
  const { median_seconds: median, ...counts } = overall;
  return {
    workspaceId,
    from: period.from.toISOString(),
    to: period.to.toISOString(),
    ...funnelSlice(counts),
    byStatus: statusCounts(Object.fromEntries(byStatus.map((status) => [status.status, status.count]))),
    medianSecondsToAccept: median === null ? null : Math.round(Number(median)),
    byChannel: byChannel.map(({ channel, ...slice }) => ({ channel, ...funnelSlice(slice) })),
    byInviter: byInviter.map(({ user_id: userId, ...slice }) => ({ userId, ...funnelSlice(slice) })),
  };
}
