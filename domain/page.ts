import { z } from 'zod';

/** The cursor of the next page: pass it as `cursor`; `null` on the last page. */
export const nextCursorSchema = z
  .string()
  .nullable()
  .describe('Pass as `cursor` for the next page; `null` on the last one');

/** One page of a list, newest first. */
export const pageOf = <Item extends z.ZodType>(item: Item, description?: string) =>
  z.object({ data: description ? z.array(item).describe(description) : z.array(item), nextCursor: nextCursorSchema });

export interface Page<Item> {
  data: Item[];
  nextCursor: string | null;
}
