import { z } from 'zod';
import { route } from './route';

/** Protobuf JSON writes bytes as base64, standard or URL-safe. */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');

/** Temporal's remote codec protocol: what the Temporal UI and `temporal --codec-endpoint` send, and get back. */
export const codecPayloadsSchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).optional(),
      data: base64.optional(),
    }),
  ),
});

/** The same shape as an answer, a component of the document; requests are described inline. */
const codecAnswerSchema = codecPayloadsSchema.meta({ id: 'CodecPayloads' });

const codec = (action: 'encode' | 'decode', summary: string) =>
  route({
    method: 'post',
    path: `/codec/${action}`,
    tag: 'Operators',
    summary,
    description:
      "Temporal's remote codec protocol, for the Temporal UI (`--ui-codec-endpoint`, or its codec setting) and " +
      '`temporal ... --codec-endpoint <api>/codec --codec-auth "Bearer <key>"`: payloads as protobuf JSON, data ' +
      "and metadata in base64. Needs a platform API key, since it shows everyone's personal data. Browsers " +
      'reach it from the origins in CODEC_CORS_ORIGINS. A payload not encrypted passes through; one encrypted ' +
      'with a key this deployment does not have is a 422 naming it.',
    access: 'platformKey',
    body: codecPayloadsSchema,
    beyondSchema: ['/payloads'],
    answers: { 200: { description: 'The payloads, in the same order', schema: codecAnswerSchema } },
    errors: [],
  });

/** What operators call, outside the host-facing `/v1`. */
export const operatorRoutes = {
  codecEncode: codec('encode', 'Encrypt payloads as the payload codec does'),
  codecDecode: codec('decode', 'Decrypt payloads for an operator'),
};
