import { describe, expect, it } from 'vitest';
import { itemSize, namesUpdated, writeUnits } from './dynamoDbCounter.ts';

describe('itemSize', () => {
  it('adds names and values as DynamoDB reckons them', () => {
    // pk 2 + 5, n 1 + (3 significant digits: 2 + 1), flag 4 + 1
    expect(itemSize({ pk: { S: 'order' }, n: { N: '12.5' }, flag: { BOOL: true } })).toBe(7 + 4 + 5);
    // a map: 3 of overhead and 1 per element, then its names and values
    expect(itemSize({ m: { M: { a: { S: 'xy' } } } })).toBe(1 + 3 + 1 + 1 + 2);
  });
  it('takes a unit per started kilobyte, at least one', () => {
    expect([writeUnits(0), writeUnits(1024), writeUnits(1025)]).toEqual([1, 1, 2]);
  });
});

describe('namesUpdated', () => {
  it('resolves placeholders and keeps names written as they are', () => {
    expect(namesUpdated('SET #p = :p, gsi1pk = :k ADD total :t', { '#p': 'position' })).toEqual(
      new Set(['SET', 'position', 'gsi1pk', 'ADD', 'total']),
    );
  });
});
