import type { Payload } from '@temporalio/common';
import { Router, type Request, type RequestHandler } from 'express';
import type { z } from 'zod';
import { EncryptionCodec, PayloadDecryptionError } from '../../runtime/payload-codec';
import { authenticate } from '../auth';
import { routes } from '../../contract';
import { codecPayloadsSchema } from '../../contract/operators';
import { serve } from '../serve';
import type { ApiContext } from '../context';
import { Problem } from '../problem';

type JsonPayload = z.infer<typeof codecPayloadsSchema>['payloads'][number];

const fromJson = ({ metadata = {}, data = '' }: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(metadata).map(([name, value]) => [name, Buffer.from(value, 'base64')])),
  data: Buffer.from(data, 'base64'),
});

const toJson = ({ metadata, data }: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(metadata ?? {}).map(([name, value]) => [name, Buffer.from(value ?? []).toString('base64')]),
  ),
  data: Buffer.from(data ?? []).toString('base64'),
});

const isLoopback = (ip = '') => /^(127\.|::1$|::ffff:127\.)/.test(ip);

/**
 * The codec endpoint: decodes payloads for an operator reading a run in the
 * Temporal UI or the `temporal` CLI, outside `/v1` (it is Temporal's protocol,
 * not inviteflow's API) and only for platform API keys, since it shows
 * everyone's personal data. Browsers reach it from CODEC_CORS_ORIGINS only.
 */
export function codecRouter(ctx: ApiContext): Router {
  const { keys, corsOrigins, keylessLoopbackOrigins = [] } = ctx.codec;
  const codec = new EncryptionCodec(keys);
  const allowed = new Set([...corsOrigins, ...keylessLoopbackOrigins]);
  const keyless = new Set(keylessLoopbackOrigins);
  const byApiKey = authenticate(ctx.orm);
  const router = Router();

  router.use('/codec', (req, res, next) => {
    res.vary('Origin');
    const origin = req.get('origin');
    if (origin && allowed.has(origin)) {
      res.set({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' });
    }
    if (req.method !== 'OPTIONS') return next();
    if (origin && allowed.has(origin)) {
      res.set({
        'access-control-allow-methods': 'POST, OPTIONS',
        'access-control-allow-headers': 'Authorization, Content-Type, X-Namespace',
        'access-control-max-age': '600',
      });
    }
    res.status(204).end();
  });

  // Development only (`inviteflow start`): the embedded Temporal UI has no log-in to pass a token from,
  // so its own origin is let in without a key, and only from this machine.
  const fromLocalDevUi = (req: Request) => keyless.has(req.get('origin') ?? '') && isLoopback(req.ip);

  // That UI acts as an operator would, with the platform's reach.
  const localDevUi = { keyId: 'local-dev-ui', scope: 'platform', workspaceId: null } as const;
  const identified: RequestHandler = async (req, res, next) => {
    if (fromLocalDevUi(req)) req.caller = localDevUi;
    else await byApiKey(req, res, () => undefined);
    next();
  };

  serve(
    router,
    routes.codecEncode,
    async ({ body: { payloads } }) => ({
      status: 200,
      body: { payloads: (await codec.encode(payloads.map(fromJson))).map(toJson) },
    }),
    [identified],
  );

  serve(
    router,
    routes.codecDecode,
    async ({ body: { payloads } }) => {
      const decoded = await Promise.all(
        payloads.map(async (payload, index) => {
          try {
            const [plain] = await codec.decode([fromJson(payload)]);
            return toJson(plain!);
          } catch (error) {
            if (!(error instanceof PayloadDecryptionError)) throw error;
            throw new Problem('validation_failed', error.message, [
              { field: `/payloads/${index}`, message: error.message },
            ]);
          }
        }),
      );
      return { status: 200, body: { payloads: decoded } };
    },
    [identified],
  );

  return router;
}
