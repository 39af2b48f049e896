import type { ErrorCode } from '../domain/error-codes';
import {
  createdWebhookEndpointSchema,
  createWebhookEndpointSchema,
  listWebhookDeliveriesQuery,
  replayedDeliveriesSchema,
  replayWebhookDeliveriesSchema,
  rotatedWebhookEndpointSchema,
  rotateWebhookSecretSchema,
  updateWebhookEndpointSchema,
  webhookDeliveryPageSchema,
  webhookDeliverySchema,
  webhookEndpointPageSchema,
  webhookEndpointViewSchema,
} from '../domain/webhook-events';
import { endpointParams, idParam } from './params';
import { route } from './route';

const list = '/v1/webhook-endpoints';
const one = '/v1/webhook-endpoints/:id';
const ofEndpoint: ErrorCode[] = ['webhook_endpoint_not_found'];

export const webhookEndpointRoutes = {
  createWebhookEndpoint: route({
    method: 'post',
    path: list,
    tag: 'Webhook endpoints',
    summary: 'Subscribe a URL to events',
    description: 'A platform-wide endpoint (`workspaceId: null`) needs a platform API key.',
    access: 'apiKey',
    body: createWebhookEndpointSchema,
    beyondSchema: ['/url'],
    answers: { 201: { description: 'Created, with its signing secret', schema: createdWebhookEndpointSchema } },
    errors: ['forbidden', 'workspace_not_found', 'webhook_target_not_allowed'],
  }),
  listWebhookEndpoints: route({
    method: 'get',
    path: list,
    tag: 'Webhook endpoints',
    summary: 'List the endpoints the API key may see',
    access: 'apiKey',
    answers: { 200: { description: 'All of them', schema: webhookEndpointPageSchema } },
    errors: [],
  }),
  getWebhookEndpoint: route({
    method: 'get',
    path: one,
    tag: 'Webhook endpoints',
    summary: 'Get a webhook endpoint',
    access: 'apiKey',
    params: endpointParams,
    answers: { 200: { description: 'The endpoint', schema: webhookEndpointViewSchema } },
    errors: ofEndpoint,
  }),
  deleteWebhookEndpoint: route({
    method: 'delete',
    path: one,
    tag: 'Webhook endpoints',
    summary: 'Delete a webhook endpoint',
    access: 'apiKey',
    params: endpointParams,
    answers: { 204: { description: 'Deleted' } },
    errors: ofEndpoint,
  }),
  updateWebhookEndpoint: route({
    method: 'patch',
    path: one,
    tag: 'Webhook endpoints',
    summary: 'Change, disable or re-enable a webhook endpoint',
    description:
      'An endpoint that answered 410 or failed for three days is disabled and receives nothing until ' +
      '`{"disabled": false}`. A new `url` is checked like on creation.',
    access: 'apiKey',
    params: endpointParams,
    body: updateWebhookEndpointSchema,
    beyondSchema: ['/url'],
    answers: { 200: { description: 'The endpoint', schema: webhookEndpointViewSchema } },
    errors: [...ofEndpoint, 'webhook_target_not_allowed'],
  }),
  rotateWebhookSecret: route({
    method: 'post',
    path: `${one}/rotate-secret`,
    tag: 'Webhook endpoints',
    summary: "Rotate an endpoint's signing secret",
    description:
      'For `graceSeconds` (default a day, at most 7 days) every message carries two signatures, ' +
      '`v1,<new> v1,<old>`, so consumers holding either secret verify; then only the new one.',
    access: 'apiKey',
    params: endpointParams,
    body: rotateWebhookSecretSchema,
    answers: { 200: { description: 'The endpoint, with its new secret', schema: rotatedWebhookEndpointSchema } },
    errors: ofEndpoint,
  }),
  replayWebhookDelivery: route({
    method: 'post',
    path: `${one}/deliveries/:deliveryId/replay`,
    tag: 'Webhook endpoints',
    summary: 'Deliver a message again',
    description: 'The same body with the same `webhook-id`, on the retry schedule; its new attempts are logged.',
    access: 'apiKey',
    params: { id: idParam, deliveryId: idParam },
    answers: { 202: { description: 'Being delivered', schema: webhookDeliverySchema } },
    errors: [...ofEndpoint, 'webhook_delivery_not_found', 'webhook_endpoint_disabled', 'webhook_delivery_in_progress'],
  }),
  replayWebhookDeliveries: route({
    method: 'post',
    path: `${one}/replay`,
    tag: 'Webhook endpoints',
    summary: 'Deliver every failed message since a time again',
    description: 'Messages being delivered right now are left to their run.',
    access: 'apiKey',
    params: endpointParams,
    body: replayWebhookDeliveriesSchema,
    answers: { 202: { description: 'How many are being delivered again', schema: replayedDeliveriesSchema } },
    errors: [...ofEndpoint, 'webhook_endpoint_disabled'],
  }),
  listWebhookDeliveries: route({
    method: 'get',
    path: `${one}/deliveries`,
    tag: 'Webhook endpoints',
    summary: "List an endpoint's recent deliveries, with their attempts",
    access: 'apiKey',
    params: endpointParams,
    query: listWebhookDeliveriesQuery,
    beyondSchema: ['query.cursor'],
    answers: { 200: { description: 'The newest deliveries first', schema: webhookDeliveryPageSchema } },
    errors: ofEndpoint,
  }),
};
