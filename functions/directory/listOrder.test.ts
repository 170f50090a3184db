import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { directoryIndexes, KIND_SHARDS, listIndex, listKeys, sortKey, textSortKey } from './listOrder.ts';

const collator = new Intl.Collator('en', { sensitivity: 'base' });
const sign = (value: number) => Math.sign(value);
const order = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('textSortKey', () => {
  it('sorts names and emails as a dictionary does, ignoring case and accents', () => {
    const names = [
      'émile',
      'Emil',
      'Emily',
      'ada',
      'Ada Lovelace',
      'Zoë',
      'zoe',
      'ben',
      'Ben-Ami',
      'Ben Ami',
    ];
    const sorted = [...names].sort((a, b) => order(textSortKey(a), textSortKey(b)) || order(a, b));
    expect(sorted).toEqual([
      'ada',
      'Ada Lovelace',
      'ben',
      'Ben Ami',
      'Ben-Ami',
      'Emil',
      'émile',
      'Emily',
      'Zoë',
      'zoe',
    ]);
    // punctuation before digits: "user1@…" before "user10@…", where code units put '0' before '@'
    expect(order(textSortKey('user1@example.com'), textSortKey('user10@example.com'))).toBe(-1);
  });

  it('agrees with the Unicode collation wherever it tells two ASCII strings apart', () => {
    const ascii = fc.string({ unit: fc.constantFrom(...'aAbBzZ09 _-.,@+#$~'), maxLength: 6 });
    fc.assert(
      fc.property(ascii, ascii, (a, b) => {
        const collated = sign(collator.compare(a, b));
        if (collated !== 0) expect(order(textSortKey(a), textSortKey(b))).toBe(collated);
      }),
      { numRuns: 5_000 },
    );
  });

  it('is printable ASCII, so that every store compares it as JavaScript does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        expect(textSortKey(text)).toMatch(/^[\x21-\x7e]*$/);
        expect(textSortKey(text).length).toBeLessThanOrEqual(700);
      }),
    );
  });
});

describe('listKeys', () => {
  it('gives a listed item its shard and a sort slot per column, each ending with its id', () => {
    const keys = listKeys({
      kind: 'ORDER',
      id: 35,
      customerId: 7,
      totalCents: 1999,
      createdAt: '2025-04-01T10:00:00Z',
    });
    expect(keys).toEqual({
      kindShard: `ORDER#${35 % KIND_SHARDS}`,
      s1: sortKey('0000000000000007', 35),
      s2: sortKey('0000000000001999', 35),
      s3: sortKey('2025-04-01T10:00:00.000Z', 35),
    });
  });

  it('gives nothing to a tombstone or a product, which no list shows', () => {
    expect(listKeys({ id: 3, deleted: true })).toEqual({});
    expect(listKeys({ kind: 'PRODUCT', id: 3, name: 'Mouse' })).toEqual({});
  });

  it('orders equal values by id, and numbers as numbers', () => {
    const amount = (totalCents: number, id: number) =>
      listKeys({ kind: 'ORDER', id, customerId: 1, totalCents, createdAt: '2025-04-01T10:00:00Z' }).s2!;
    const sorted = [amount(1000, 2), amount(5, 9), amount(1000, 1), amount(200, 4)].sort();
    expect(sorted).toEqual([amount(5, 9), amount(200, 4), amount(1000, 1), amount(1000, 2)]);
  });
});

describe('indexes', () => {
  it('serves every order of every list from an index of the table', () => {
    const names = new Set(directoryIndexes.map((index) => index.name));
    expect(names.size).toBe(directoryIndexes.length);
    expect(directoryIndexes.length).toBeLessThanOrEqual(20); // DynamoDB's quota of indexes per table
    for (const scope of ['kind', 'owner'] as const) {
      for (const column of ['id', 'user_id', 'city', 'state', 'zip', 'created_at'])
        expect(names).toContain(listIndex('ACCOUNT', scope, column).name);
      expect(() => listIndex('TODO', scope, 'title')).toThrow();
    }
  });
});
