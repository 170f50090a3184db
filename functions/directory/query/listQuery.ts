// The query string of a directory list: limit, offset, order_by (a whitelisted column, `-column` for
// descending) and cursor. order_by is checked against the whitelist, never passed on, so a value
// such as "name; DROP TABLE users" is simply an unknown column.
import { z } from 'zod';
import type { EntityKind } from '../directoryProjection.ts';
import { decodeCursor } from './listCursor.ts';

export const MAX_LIMIT = 1000;

export interface ListRequest {
  limit: number;
  offset: number;
  orderBy: { column: string; descending: boolean };
  /** continue after this id: from a cursor, so only when ordered by id */
  after?: number;
}

export interface ListQueryOptions {
  kind: EntityKind;
  /** the columns order_by may name, id among them */
  columns: readonly string[];
  defaultLimit: number;
}

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,15}$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const cursorParam = z.string().transform((text, context) => {
  const cursor = decodeCursor(text);
  if (cursor) return cursor;
  context.addIssue({ code: 'custom', message: 'must be an X-Next-Cursor this API gave' });
  return z.NEVER;
});

export function listQuery({ kind, columns, defaultLimit }: ListQueryOptions) {
  const orderByParam = z
    .string()
    .refine(
      (value) => columns.includes(value.startsWith('-') ? value.slice(1) : value),
      `must be one of ${columns.join(', ')}, each optionally prefixed by - for descending`,
    );
  // strict: a misspelt parameter (orderby, lmit) is a 400 rather than silently the default
  return z
    .strictObject({
      limit: wholeNumber(1, MAX_LIMIT).default(defaultLimit),
      offset: wholeNumber(0, Number.MAX_SAFE_INTEGER).default(0),
      order_by: orderByParam.optional(),
      cursor: cursorParam.optional(),
    })
    .transform((query, context): ListRequest => {
      const { cursor } = query;
      // a cursor carries its direction, so the next page needs no order_by
      const orderBy = query.order_by ?? cursor?.order ?? 'id';
      const descending = orderBy.startsWith('-');
      const column = descending ? orderBy.slice(1) : orderBy;
      if (!cursor) return { limit: query.limit, offset: query.offset, orderBy: { column, descending } };

      const refuse = (field: string, message: string) => {
        context.addIssue({ code: 'custom', path: [field], message });
        return z.NEVER;
      };
      if (cursor.kind !== kind) return refuse('cursor', 'was given by another list');
      if (column !== 'id') return refuse('cursor', 'works only with order_by id or -id');
      if (cursor.order !== orderBy) return refuse('cursor', `was given for order_by ${cursor.order}`);
      if (query.offset !== 0) return refuse('offset', 'must be 0 with a cursor');
      return { limit: query.limit, offset: 0, orderBy: { column, descending }, after: cursor.after };
    });
}
