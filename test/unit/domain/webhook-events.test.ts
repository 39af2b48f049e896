import type { z } from 'zod';
import { invitationEventTypes } from '../../../domain/invitation';
import {
  createWebhookEndpointSchema,
  invitationWebhookType,
  isSubscribed,
  webhookEventTypes,
} from '../../../domain/webhook-events';

/** The issue paths of a failed parse; fails the test when the parse succeeds. */
function issuePaths(result: z.ZodSafeParseResult<unknown>): PropertyKey[][] {
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => issue.path) ?? [];
}

describe('webhookEventTypes', () => {
  test('has one invitation.* type per invitation event, then the other event types', () => {
    expect(webhookEventTypes).toEqual([
      'invitation.created',
      'invitation.requested',
      'invitation.sent',
      'invitation.resent',
      'invitation.reminded',
      'invitation.accepted',
      'invitation.declined',
      'invitation.expired',
      'invitation.revoked',
      'invitation.rejected',
      'invitation.changed',
      'invitation.delivery_failed',
      'invitation.delivered',
      'invitee.erased',
      'member.joined',
      'member.updated',
      'member.removed',
      'member.expiring',
      'member.expired',
      'bulk.completed',
      'endpoint.disabled',
    ]);
  });

  test('invitationWebhookType prefixes an invitation event with "invitation."', () => {
    expect(invitationWebhookType('accepted')).toBe('invitation.accepted');
    for (const type of invitationEventTypes) expect(webhookEventTypes).toContain(invitationWebhookType(type));
  });
});

describe('isSubscribed', () => {
  test('"*" subscribes to every event type', () => {
    for (const type of webhookEventTypes) expect(isSubscribed(['*'], type)).toBe(true);
  });

  test('"*" among explicit types still subscribes to everything', () => {
    expect(isSubscribed(['member.joined', '*'], 'bulk.completed')).toBe(true);
  });

  test('an explicit list subscribes to its types only', () => {
    const subscribed = ['invitation.accepted', 'member.joined'];

    expect(isSubscribed(subscribed, 'invitation.accepted')).toBe(true);
    expect(isSubscribed(subscribed, 'member.joined')).toBe(true);
    expect(isSubscribed(subscribed, 'invitation.sent')).toBe(false);
    expect(isSubscribed(subscribed, 'member.removed')).toBe(false);
  });

  test('no prefix matching: "invitation.*" and "invitation" are not wildcards', () => {
    expect(isSubscribed(['invitation.*'], 'invitation.accepted')).toBe(false);
    expect(isSubscribed(['invitation'], 'invitation.accepted')).toBe(false);
  });

  test('an empty list subscribes to nothing', () => {
    expect(isSubscribed([], 'invitation.created')).toBe(false);
  });
});

describe('createWebhookEndpointSchema', () => {
  test('a URL alone gets every event, no workspace, no description', () => {
    expect(createWebhookEndpointSchema.parse({ url: 'https://hooks.example.com/inviteflow' })).toEqual({
      url: 'https://hooks.example.com/inviteflow',
      events: ['*'],
      workspaceId: null,
    });
  });

  test('keeps explicit events, workspace and description', () => {
    const input = {
      url: 'http://localhost:9000/hook',
      events: ['invitation.accepted', 'member.joined', '*'],
      workspaceId: 'acme',
      description: 'CRM sync',
    };

    expect(createWebhookEndpointSchema.parse(input)).toEqual(input);
  });

  test.each([
    'ftp://hooks.example.com/x',
    'javascript:alert(1)',
    'file:///etc/passwd',
    'mailto:ops@example.com',
    'hooks.example.com',
    'not a url',
  ])('the URL %j is refused', (url) => {
    expect(issuePaths(createWebhookEndpointSchema.safeParse({ url }))).toEqual([['url']]);
  });

  test('a URL over 2048 characters is refused', () => {
    const url = `https://hooks.example.com/${'a'.repeat(2048)}`;

    expect(issuePaths(createWebhookEndpointSchema.safeParse({ url }))).toEqual([['url']]);
  });

  test('an unknown event type is refused at its index', () => {
    const result = createWebhookEndpointSchema.safeParse({
      url: 'https://x.example',
      events: ['invitation.accepted', 'invitation.opened'],
    });

    expect(issuePaths(result)).toEqual([['events', 1]]);
  });

  test('wildcard prefixes are not event types', () => {
    expect(
      issuePaths(createWebhookEndpointSchema.safeParse({ url: 'https://x.example', events: ['invitation.*'] })),
    ).toEqual([['events', 0]]);
  });

  test('an empty event list is refused', () => {
    expect(issuePaths(createWebhookEndpointSchema.safeParse({ url: 'https://x.example', events: [] }))).toEqual([
      ['events'],
    ]);
  });

  test('an empty workspaceId is refused, null is kept', () => {
    expect(issuePaths(createWebhookEndpointSchema.safeParse({ url: 'https://x.example', workspaceId: '' }))).toEqual([
      ['workspaceId'],
    ]);
    expect(createWebhookEndpointSchema.parse({ url: 'https://x.example', workspaceId: null }).workspaceId).toBeNull();
  });

  test('a description over 500 characters is refused', () => {
    expect(
      issuePaths(createWebhookEndpointSchema.safeParse({ url: 'https://x.example', description: 'd'.repeat(501) })),
    ).toEqual([['description']]);
  });
});

test('an erasure is announced as invitee.erased, never as an invitation.* event', () => {
  expect(invitationWebhookType('erased')).toBe('invitee.erased');
  expect(webhookEventTypes).not.toContain('invitation.erased');
});
