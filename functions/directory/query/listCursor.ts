// The opaque cursor of X-Next-Cursor: which list, which direction, and the last id the page showed.
// It names an id rather than a DynamoDB key, so that it stays valid when that item is deleted.
import { z } from 'zod';
import type { EntityKind } from '../directoryProjection.ts';

export type IdOrder = 'id' | '-id';

export interface ListCursor {
  kind: EntityKind;
  order: IdOrder;
  after: number;
}

const cursorSchema = z.strictObject({
  kind: z.enum(['USER', 'ACCOUNT', 'ORDER', 'PRODUCT', 'TODO']),
  order: z.enum(['id', '-id']),
  after: z.int().positive(),
});

export const encodeCursor = (cursor: ListCursor): string =>
  Buffer.from(JSON.stringify(cursor)).toString('base64url');

/** The cursor in `text`, or undefined when `text` is not one this API gave. */
export function decodeCursor(text: string): ListCursor | undefined {
  // Buffer's decoder skips characters outside the alphabet; a cursor must have none
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(text)) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
