import { z } from 'zod';
import { templatePathSchema } from '../domain/email-template';
import { workspaceIdSchema } from '../domain/workspace';

/** An id in a path: anything but a control character (C0 or DEL), which no id, the host's user ids included, holds. */
export const idParam = z
  .string()
  .min(1)
  .max(200)
  // eslint-disable-next-line no-control-regex -- the control characters are what it refuses
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

export const wsParam = { ws: workspaceIdSchema } as const;
/** One thing of a workspace by its id: an invitation, an import. */
export const workspaceItemParams = { ws: workspaceIdSchema, id: idParam } as const;
export const memberParams = { ws: workspaceIdSchema, userId: idParam } as const;
export const endpointParams = { id: idParam } as const;
export const templateParams = {
  ws: workspaceIdSchema,
  name: templatePathSchema.shape.name,
  locale: templatePathSchema.shape.locale,
} as const;
