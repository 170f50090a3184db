// The query string of a directory list: limit, offset, order_by (a whitelisted column, `-column` for
// descending) and cursor. order_by is checked against the whitelist, never passed on, so a value
// such as "name; DROP TABLE users" is simply an unknown column. offset reads what it skips, so it is
// bounded as Elasticsearch bounds from + size: past MAX_OFFSET_WINDOW rows, page with the cursor,
// which every page hands out and which costs its page however deep it goes.
import { z } from 'zod';
import type { ListedKind, SortColumn } from '../listOrder.ts';
import { decodeCursor } from './listCursor.ts';

export const MAX_LIMIT = 1000;
/** offset + limit may reach this far into a list, and no further */
export const MAX_OFFSET_WINDOW = 10_000;

export interface ListRequest<Column extends string = string> {
  kind: ListedKind;
  limit: number;
  offset: number;
  orderBy: { column: Column; descending: boolean };
  /** continue after this sort key, from a cursor: the id ordered by id, the column's slot otherwise */
  after?: number | string;
}

export interface ListQueryOptions<Kind extends ListedKind, Column extends SortColumn<Kind>> {
  kind: Kind;
  /** the columns order_by may name besides id: each has its index (listOrder.ts) */
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
export function listQuery<Kind extends ListedKind, const Column extends SortColumn<Kind> = never>({
  kind,
  columns: sortable,
  defaultLimit,
}: ListQueryOptions<Kind, Column>) {
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
        .meta({
          description: `how many rows to skip first: offset + limit at most ${MAX_OFFSET_WINDOW} (0 with a cursor; page deeper with the cursor)`,
        }),
      order_by: orderByParam.optional().meta({
        description: `one of ${columns.join(', ')}; prefixed by - for descending (default id)`,
        examples: [columns.at(-1)!, `-${columns.at(-1)!}`],
      }),
      cursor: cursorParam
        .optional()
        .meta({ description: 'the X-Next-Cursor of the previous page, in the same order_by' }),
    })
    .transform((query, context): ListRequest<Column | 'id'> => {
      const { cursor } = query;
      // a cursor carries its direction, so the next page needs no order_by
      const orderBy = query.order_by ?? cursor?.order ?? 'id';
      const descending = orderBy.startsWith('-');
      // the refinement above let only these through
      const column = (descending ? orderBy.slice(1) : orderBy) as Column | 'id';
      const refuse = (field: string, message: string) => {
        context.addIssue({ code: 'custom', path: [field], message });
        return z.NEVER;
      };
      if (!cursor) {
        if (query.offset + query.limit > MAX_OFFSET_WINDOW) {
          return refuse(
            'offset',
            `offset + limit must be at most ${MAX_OFFSET_WINDOW}: page further with the cursor each page gives in X-Next-Cursor`,
          );
        }
        return { kind, limit: query.limit, offset: query.offset, orderBy: { column, descending } };
      }
      if (cursor.kind !== kind || !(columns as readonly string[]).includes(column)) {
        return refuse('cursor', 'was given by another list');
      }
      if (cursor.order !== orderBy) return refuse('cursor', `was given for order_by ${cursor.order}`);
      // the checksum vouches for the cursor as a whole; this only keeps a cursor of an older shape out
      if (typeof cursor.after !== (column === 'id' ? 'number' : 'string')) {
        return refuse('cursor', 'must be an X-Next-Cursor this API gave');
      }
      if (query.offset !== 0) return refuse('offset', 'must be 0 with a cursor');
      return { kind, limit: query.limit, offset: 0, orderBy: { column, descending }, after: cursor.after };
    });
}
