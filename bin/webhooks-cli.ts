import type { Page, ReplayedWebhookDeliveries, WebhookDelivery, WebhookEndpoint } from 'inviteflow/client';
import { listWebhookDeliveriesQuery, replayWebhookDeliveriesSchema } from '../domain/webhook-events';
import {
  checkedOptions,
  connectionOptions,
  connectionUsage,
  operatorClient,
  parseCommandLine,
  positionalsOf,
  print,
  runCommandGroup,
  table,
  UsageError,
  type OperatorIo,
} from './operator';

const usage = `usage: inviteflow webhooks <command> [options]

Shows what inviteflow sent to webhook endpoints, and sends it again, through a running API.

  endpoints              the webhook endpoints and their ids
  deliveries ENDPOINT_ID [--status S] [--limit N] [--attempts]
                         an endpoint's deliveries, newest first
  replay ENDPOINT_ID DELIVERY_ID
                         sends one delivery again: same body, same webhook-id
  replay ENDPOINT_ID --since ISO
                         sends again every failed delivery created since then

inviteflow webhooks <command> --help lists a command's options.
Exit code: 0 done, 1 the API refused (its problem's code on stderr), 2 bad usage.
`;

const commandUsage = {
  endpoints: `usage: inviteflow webhooks endpoints [options]

${connectionUsage}
`,
  deliveries: `usage: inviteflow webhooks deliveries [options] ENDPOINT_ID

  --status S             only deliveries that are failed, pending or delivered
  --limit N              at most N deliveries (1-100, default 100)
  --cursor C             the next page, as the previous one names it
  --attempts             each delivery's attempts too: time, status code, latency, error
${connectionUsage}
`,
  replay: `usage: inviteflow webhooks replay [options] ENDPOINT_ID DELIVERY_ID
       inviteflow webhooks replay [options] ENDPOINT_ID --since ISO

  --since ISO            every failed delivery created from then on, e.g. 2026-11-21T09:00:00Z
${connectionUsage}
`,
};

type Command = keyof typeof commandUsage;

const optionSpec = {
  endpoints: connectionOptions,
  deliveries: {
    ...connectionOptions,
    status: { type: 'string' },
    limit: { type: 'string' },
    cursor: { type: 'string' },
    attempts: { type: 'boolean' },
  },
  replay: { ...connectionOptions, since: { type: 'string' } },
} as const;

function endpointList(page: Page<WebhookEndpoint>): string {
  const rows = page.data.map((endpoint) => [
    endpoint.id,
    endpoint.url,
    endpoint.events.join(','),
    endpoint.workspaceId ?? '(all)',
    endpoint.disabledAt && `${endpoint.disabledAt} (${endpoint.disabledReason ?? 'disabled'})`,
  ]);
  return table(['id', 'url', 'events', 'workspace', 'disabledAt'], rows);
}

function attemptsOf(delivery: WebhookDelivery): string {
  const rows = delivery.attempts.map((attempt) => [
    attempt.attemptedAt,
    attempt.statusCode,
    `${attempt.latencyMs} ms`,
    attempt.error ?? attempt.responseSnippet,
  ]);
  return `Attempts of ${delivery.id}:\n${table(['at', 'status code', 'latency', 'error / response'], rows)}`;
}

function deliveryList(page: Page<WebhookDelivery>, withAttempts: boolean): string {
  const rows = page.data.map((delivery) => [
    delivery.id,
    delivery.eventType,
    delivery.status,
    delivery.attemptCount,
    delivery.attempts.at(-1)?.statusCode,
    delivery.createdAt,
    delivery.deliveredAt,
  ]);
  const lines = [table(['id', 'eventType', 'status', 'attempts', 'last code', 'createdAt', 'deliveredAt'], rows)];
  if (withAttempts) lines.push(...page.data.map(attemptsOf));
  if (page.nextCursor) lines.push(`more: --cursor ${page.nextCursor}`);
  return lines.join('\n');
}

async function run(command: Command, argv: string[], io: OperatorIo): Promise<void> {
  const { values, positionals } = parseCommandLine(argv, optionSpec[command]);
  if (values.help) {
    io.stdout.write(commandUsage[command]);
    return;
  }
  const client = operatorClient(values, io);
  const json = values.json ?? false;
  if (command === 'endpoints') {
    positionalsOf(positionals, []);
    print(io, json, await client.webhookEndpoints.list(), endpointList);
    return;
  }
  if (command === 'deliveries') {
    const [endpointId] = positionalsOf(positionals, ['ENDPOINT_ID']) as [string];
    const query = checkedOptions(listWebhookDeliveriesQuery, values);
    const withAttempts = 'attempts' in values && values.attempts === true;
    print(io, json, await client.webhookEndpoints.deliveries(endpointId, query), (page) =>
      deliveryList(page, withAttempts),
    );
    return;
  }
  const since = 'since' in values && typeof values.since === 'string' ? values.since : undefined;
  if (since === undefined) {
    const [endpointId, deliveryId] = positionalsOf(positionals, ['ENDPOINT_ID', 'DELIVERY_ID']) as [string, string];
    const delivery = await client.webhookEndpoints.replayDelivery(endpointId, deliveryId);
    print(io, json, delivery, (replayed) => `Replaying ${replayed.id} (${replayed.eventType}): ${replayed.status}`);
    return;
  }
  if (positionals.length > 1) throw new UsageError('name a DELIVERY_ID or --since, not both');
  const [endpointId] = positionalsOf(positionals, ['ENDPOINT_ID']) as [string];
  const body = checkedOptions(replayWebhookDeliveriesSchema, { since });
  const answer: ReplayedWebhookDeliveries = await client.webhookEndpoints.replay(endpointId, body);
  print(io, json, answer, ({ replayed }) => `Replaying ${replayed} failed deliveries created since ${since}`);
}

/** `inviteflow webhooks endpoints|deliveries|replay`: answers the exit code. */
export const runWebhooks = runCommandGroup('webhooks', usage, commandUsage, run);
