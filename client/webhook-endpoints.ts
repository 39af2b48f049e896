import { path, type RequestOptions, type Transport } from './http';
import type {
  CreatedWebhookEndpoint,
  CreateWebhookEndpointRequest,
  ListWebhookDeliveriesQuery,
  Page,
  ReplayedWebhookDeliveries,
  ReplayWebhookDeliveriesRequest,
  RotateWebhookSecretRequest,
  UpdateWebhookEndpointRequest,
  WebhookDelivery,
  WebhookEndpoint,
} from './types';

export function webhookEndpointsApi(http: Transport) {
  const one = (id: string) => path`/v1/webhook-endpoints/${id}`;
  return {
    /** The answer carries the signing secret, shown this once: keep it for `verifyWebhook`. */
    create: (body: CreateWebhookEndpointRequest, options?: RequestOptions) =>
      http.json<CreatedWebhookEndpoint>({ method: 'POST', path: '/v1/webhook-endpoints', body, options }),
    list: () => http.json<Page<WebhookEndpoint>>({ method: 'GET', path: '/v1/webhook-endpoints' }),
    get: (id: string) => http.json<WebhookEndpoint>({ method: 'GET', path: one(id) }),
    update: (id: string, body: UpdateWebhookEndpointRequest) =>
      http.json<WebhookEndpoint>({ method: 'PATCH', path: one(id), body }),
    delete: (id: string) => http.empty({ method: 'DELETE', path: one(id) }),
    /** A new secret; the old one keeps signing beside it for `graceSeconds`, so receivers can switch over. */
    rotateSecret: (id: string, body: RotateWebhookSecretRequest = {}, options?: RequestOptions) =>
      http.json<CreatedWebhookEndpoint>({ method: 'POST', path: `${one(id)}/rotate-secret`, body, options }),
    /** Newest first, each with its attempts: follow `nextCursor`. */
    deliveries: (id: string, query: ListWebhookDeliveriesQuery = {}) =>
      http.json<Page<WebhookDelivery>>({ method: 'GET', path: `${one(id)}/deliveries`, query }),
    /** Sends one delivery again: same body, same `webhook-id`. */
    replayDelivery: (id: string, deliveryId: string, options?: RequestOptions) =>
      http.json<WebhookDelivery>({
        method: 'POST',
        path: `${one(id)}/deliveries/${path`${deliveryId}`}/replay`,
        options,
      }),
    /** Sends again every failed delivery since an instant, e.g. after the receiver was down. */
    replay: (id: string, body: ReplayWebhookDeliveriesRequest, options?: RequestOptions) =>
      http.json<ReplayedWebhookDeliveries>({ method: 'POST', path: `${one(id)}/replay`, body, options }),
  };
}
