// How the directory's lists are ordered, so that a page costs its size whatever the data: every order
// a list accepts is a global secondary index, and each listed item carries the keys of those indexes.
//
// - A kind-wide partition key is sharded: `kindShard` is `ORDER#<id mod 16>`, so no index partition
//   takes more than a sixteenth of a kind's writes (a partition serves about 1,000 write units a
//   second, and a throttled index throttles the table's writes too). A list over everyone reads the
//   16 shards and merges them (listEntities.ts). Why 16: decision 0033, "Every list is an index".
// - What one owner has is one partition (`owner`, directoryProjection's ownerKey): an owner writes at
//   its own pace, so it needs no shards.
// - Ordered by id, the indexes sort on `id` (a number); ordered by a column, on a sort slot `s1`…`s5`
//   holding the column's value, encoded so that the index's byte order is the list's order, then the
//   id: the key (column, id) that keyset paging needs. A kind maps its columns to slots in the order
//   `sortColumns` lists them; ACCOUNT has the most, five.
import type { IndexDefinition } from '../projectors/catalog.ts';
import type { EntityKind } from './directoryProjection.ts';

/** How many shards a kind-wide key has; changing it means rebuilding the directory. */
export const KIND_SHARDS = 16;

/** The columns each listed kind may be ordered by besides id, in slot order (s1, s2…). */
export const sortColumns = {
  USER: ['name', 'email', 'created_at'],
  ACCOUNT: ['user_id', 'city', 'state', 'zip', 'created_at'],
  ORDER: ['user_id', 'amount', 'created_at'],
  TODO: [],
} as const satisfies Partial<Record<EntityKind, readonly string[]>>;

export type ListedKind = keyof typeof sortColumns;
export type SortColumn<Kind extends ListedKind> = (typeof sortColumns)[Kind][number];

export const isListedKind = (kind: unknown): kind is ListedKind =>
  typeof kind === 'string' && Object.hasOwn(sortColumns, kind);

const SLOT_COUNT = Math.max(...Object.values(sortColumns).map((columns) => columns.length));
const slotAttribute = (slot: number) => `s${slot}`;

export type ListScopeKind = 'kind' | 'owner';

/** The index a list reads: its name, the attribute it is partitioned on, and the one it sorts on. */
export interface ListIndex {
  name: string;
  partitionAttribute: 'kindShard' | 'owner';
  sortAttribute: string;
  /** `id` sorts as a number; slots as text */
  numeric: boolean;
}

const partitionAttribute = { kind: 'kindShard', owner: 'owner' } as const;
const indexPrefix = { kind: 'byKind', owner: 'byOwner' } as const;

/** The index serving a list of `kind` over `scope` ordered by `column` ('id' or one of its sortColumns). */
export function listIndex(kind: ListedKind, scope: ListScopeKind, column: string): ListIndex {
  if (column === 'id') {
    return {
      name: indexPrefix[scope],
      partitionAttribute: partitionAttribute[scope],
      sortAttribute: 'id',
      numeric: true,
    };
  }
  const slot = (sortColumns[kind] as readonly string[]).indexOf(column) + 1;
  if (slot === 0) throw new Error(`${kind} lists are not ordered by ${column}`);
  return {
    name: `${indexPrefix[scope]}Sort${slot}`,
    partitionAttribute: partitionAttribute[scope],
    sortAttribute: slotAttribute(slot),
    numeric: false,
  };
}

/** Every index of the directory table, for the catalog. */
// Keys only: a list reads a page's keys from its index, then the page's items from the table. An
// index entry holding the whole item would be written again whenever any field changed, and is eight
// copies of every order; keys alone made the directory's catch-up 15% faster here (decision 0033).
export const directoryIndexes: IndexDefinition[] = (['kind', 'owner'] as const).flatMap((scope) => [
  {
    name: indexPrefix[scope],
    projection: 'KEYS_ONLY' as const,
    partitionKey: { name: partitionAttribute[scope], type: 'S' as const },
    sortKey: { name: 'id', type: 'N' as const },
  },
  ...Array.from({ length: SLOT_COUNT }, (_, index) => ({
    name: `${indexPrefix[scope]}Sort${index + 1}`,
    projection: 'KEYS_ONLY' as const,
    partitionKey: { name: partitionAttribute[scope], type: 'S' as const },
    sortKey: { name: slotAttribute(index + 1), type: 'S' as const },
  })),
]);

/** The shards of a kind-wide list, each a partition of the byKind indexes. */
export const kindShards = (kind: ListedKind): string[] =>
  Array.from({ length: KIND_SHARDS }, (_, shard) => `${kind}#${shard}`);

// ---- sort keys -------------------------------------------------------------------------------------

/** Ids and cents are whole numbers from 0 to 2^53: 16 digits hold them, and digits sort as numbers. */
const digits = (value: number) => String(value).padStart(16, '0');

/** Sorts before every character of an encoded value, so a shorter value sorts before its extensions. */
const END_OF_VALUE = '#';

/**
 * Dictionary order, close to the Unicode collation PostgreSQL's and ICU's English use: case and
 * accents are ignored ("émile" between "Emil" and "Emily"; ties go by id), and spaces and punctuation
 * come before digits, digits before letters ("user1@…" before "user10@…"). Each character becomes a
 * unit of ASCII that sorts as that order does: a class digit, then the character (or, outside ASCII,
 * its code point in six hex digits). The first 100 characters count; ties beyond them go by id.
 */
export function textSortKey(text: string): string {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
  let key = '';
  for (const character of [...folded].slice(0, 100)) {
    const code = character.codePointAt(0)!;
    if (code >= 0x61 && code <= 0x7a) key += `3${character}`;
    else if (code >= 0x30 && code <= 0x39) key += `2${character}`;
    else if (code < 0x80) key += `1${PUNCTUATION_RANK[code] ?? '~'}`;
    else key += `4${code.toString(16).padStart(6, '0')}`;
  }
  return key;
}

/**
 * ASCII spaces, punctuation and symbols in the order the Unicode collation gives them (its root
 * collation, as ICU and glibc's English sort), each mapped to a printable character that sorts so.
 */
const PUNCTUATION_RANK: Record<number, string> = Object.fromEntries(
  [...'\t\n\r _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$'].map((character, rank) => [
    character.codePointAt(0)!,
    String.fromCharCode(0x21 + rank),
  ]),
);

/** An instant as sortable text: "…00Z" and "…00.500Z" are the same format once normalized. */
const timeSortKey = (iso: string) => new Date(iso).toISOString();

type ColumnEncoders = {
  [Kind in ListedKind]: Record<SortColumn<Kind>, (item: Record<string, unknown>) => string>;
};

/** Each column's sortable value, from a stored directory item (the fields directoryProjection writes). */
const columnValue: ColumnEncoders = {
  USER: {
    name: (item) => textSortKey(String(item.name ?? '')),
    email: (item) => textSortKey(String(item.email ?? '')),
    created_at: (item) => timeSortKey(String(item.createdAt)),
  },
  ACCOUNT: {
    user_id: (item) => digits(Number(item.userId)),
    city: (item) => textSortKey(String(item.city ?? '')),
    state: (item) => textSortKey(String(item.state ?? '')),
    zip: (item) => textSortKey(String(item.zip ?? '')),
    created_at: (item) => timeSortKey(String(item.createdAt)),
  },
  ORDER: {
    user_id: (item) => digits(Number(item.customerId)),
    amount: (item) => digits(Number(item.totalCents)),
    created_at: (item) => timeSortKey(String(item.createdAt)),
  },
  TODO: {},
};

/** The sort slot's value: the column's, then the id, so that equal values keep id order. */
export const sortKey = (value: string, id: number) => `${value}${END_OF_VALUE}${digits(id)}`;

export interface ListKeys {
  kindShard?: string;
  [slot: `s${number}`]: string;
}

/**
 * The index keys a directory item carries: for a listed kind, its shard and a slot per sort column;
 * nothing for a tombstone (no kind) or a kind no list shows (products).
 */
export function listKeys(item: { kind?: EntityKind; id: number } & Record<string, unknown>): ListKeys {
  if (!isListedKind(item.kind)) return {};
  const kind = item.kind;
  const keys: ListKeys = { kindShard: `${kind}#${item.id % KIND_SHARDS}` };
  const encoders = columnValue[kind] as Record<string, (item: Record<string, unknown>) => string>;
  (sortColumns[kind] as readonly string[]).forEach((column, index) => {
    keys[`s${index + 1}`] = sortKey(encoders[column]!(item), item.id);
  });
  return keys;
}

/** The index attributes listKeys may set, to strip from an item before its keys are derived again. */
export const LIST_KEY_ATTRIBUTES = [
  'kindShard',
  ...Array.from({ length: SLOT_COUNT }, (_, index) => slotAttribute(index + 1)),
];
