import { z } from 'zod';

/** The paper a printed invitation is laid out for. */
export const paperSizes = ['a4', 'letter'] as const;
export type PaperSize = (typeof paperSizes)[number];

export const printInvitationQuerySchema = z.object({
  size: z.enum(paperSizes).default('a4').describe('The paper: A4, or US Letter'),
});
