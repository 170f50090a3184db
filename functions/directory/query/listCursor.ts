// The opaque cursor of X-Next-Cursor: which list, in which order, and the sort key of the last row the
// page showed (the id ordered by id; the sort slot's value, column then id, ordered by a column:
// listOrder.ts). The next page reads the index from just past that key, so a cursor costs its page
// however deep it goes, and stays valid when that row is deleted.
//
// A checksum makes an edited or truncated cursor a 400 rather than some other page. It is no secret
// and needs none: a cursor grants nothing, since what a caller may list comes from its token.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { sortColumns, type ListedKind } from '../listOrder.ts';

export interface ListCursor {
  kind: ListedKind;
  /** the order_by it was given for: `id`, `-id`, `amount`, `-created_at`… */
  order: string;
  /** the sort key of the last row shown */
  after: number | string;
}

const listedKinds = Object.keys(sortColumns) as [ListedKind, ...ListedKind[]];

const cursorSchema = z.tuple([
  z.enum(listedKinds),
  z.string().regex(/^-?[a-z_]{1,40}$/),
  z.union([z.int().positive(), z.string().regex(/^[\x21-\x7e]{1,1000}$/)]),
]);

const CHECKSUM_LENGTH = 16;
const checksum = (payload: string) =>
  createHash('sha256')
    .update(`cqrs-commerce list cursor\u0000${payload}`)
    .digest('base64url')
    .slice(0, CHECKSUM_LENGTH);

export function encodeCursor({ kind, order, after }: ListCursor): string {
  const payload = Buffer.from(JSON.stringify([kind, order, after])).toString('base64url');
  return `${payload}${checksum(payload)}`;
}

/** The cursor in `text`, or undefined when `text` is not one this API gave. */
export function decodeCursor(text: string): ListCursor | undefined {
  // Buffer's decoder skips characters outside the alphabet; a cursor must have none
  if (!/^[A-Za-z0-9_-]{17,2048}$/.test(text)) return undefined;
  const payload = text.slice(0, -CHECKSUM_LENGTH);
  if (checksum(payload) !== text.slice(-CHECKSUM_LENGTH)) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return undefined;
    const [kind, order, after] = parsed.data;
    return { kind, order, after };
  } catch {
    return undefined;
  }
}
