// The query string of a directory list: limit, offset, order_by (a whitelisted column, `-column` for
// descending) and cursor. order_by is checked against the whitelist, never passed on, so a value
// such as "name; DROP TABLE users" is simply an unknown column.
import { z } from 'zod';
import type { EntityKind } from '../directoryProjection.ts';
import { decodeCursor } from './listCursor.ts';

export const MAX_LIMIT = 1000;

export interface ListRequest<Column extends string = string> {
  kind: EntityKind;
  limit: number;
  offset: number;
  orderBy: { column: Column; descending: boolean };
  /** continue after this id: from a cursor, so only when ordered by id */
  after?: number;
}

export interface ListQueryOptions<Column extends string> {
  kind: EntityKind;
  /** the columns order_by may name besides id */
  columns: readonly Column[];
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

/** The query string of a list of `kind`, ordered by id or by one of `columns`. */
export function listQuery<const Column extends string = never>({
  kind,
  columns: sortable,
  defaultLimit,
}: ListQueryOptions<Column>) {
  const columns: readonly (Column | 'id')[] = ['id', ...sortable];
  const orderByParam = z
    .string()
    .refine(
      (value) => (columns as readonly string[]).includes(value.startsWith('-') ? value.slice(1) : value),
      `must be one of ${columns.join(', ')}, each optionally prefixed by - for descending`,
    );
  // strict: a misspelt parameter (orderby, lmit) is a 400 rather than silently the default
  return z
    .strictObject({
      limit: wholeNumber(1, MAX_LIMIT)
        .default(defaultLimit)
        .meta({ description: `how many rows, 1 to ${MAX_LIMIT} (default ${defaultLimit})` }),
      offset: wholeNumber(0, Number.MAX_SAFE_INTEGER)
        .default(0)
        .meta({ description: 'how many rows to skip first (0 with a cursor)' }),
      order_by: orderByParam.optional().meta({
        description: `one of ${columns.join(', ')}; prefixed by - for descending (default id)`,
        examples: [columns.at(-1)!, `-${columns.at(-1)!}`],
      }),
      cursor: cursorParam
        .optional()
        .meta({ description: 'the X-Next-Cursor of the previous page (order_by id or -id)' }),
    })
    .transform((query, context): ListRequest<Column | 'id'> => {
      const { cursor } = query;
      // a cursor carries its direction, so the next page needs no order_by
      const orderBy = query.order_by ?? cursor?.order ?? 'id';
      const descending = orderBy.startsWith('-');
      // the refinement above let only these through
      const column = (descending ? orderBy.slice(1) : orderBy) as Column | 'id';
      if (!cursor) return { kind, limit: query.limit, offset: query.offset, orderBy: { column, descending } };

      const refuse = (field: string, message: string) => {
        context.addIssue({ code: 'custom', path: [field], message });
        return z.NEVER;
      };
      if (cursor.kind !== kind) return refuse('cursor', 'was given by another list');
      if (column !== 'id') return refuse('cursor', 'works only with order_by id or -id');
      if (cursor.order !== orderBy) return refuse('cursor', `was given for order_by ${cursor.order}`);
      if (query.offset !== 0) return refuse('offset', 'must be 0 with a cursor');
      return { kind, limit: query.limit, offset: 0, orderBy: { column, descending }, after: cursor.after };
    });
}
