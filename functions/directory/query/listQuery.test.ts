import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './listCursor.ts';
import { listQuery } from './listQuery.ts';

const users = listQuery({ kind: 'USER', columns: ['name'], defaultLimit: 100 });

describe('listQuery', () => {
  it('defaults to the first page in id order', () => {
    expect(users.parse({})).toEqual({
      kind: 'USER',
      limit: 100,
      offset: 0,
      orderBy: { column: 'id', descending: false },
    });
  });

  it('reads numbers and a descending column', () => {
    expect(users.parse({ limit: '5', offset: '10', order_by: '-name' })).toEqual({
      kind: 'USER',
      limit: 5,
      offset: 10,
      orderBy: { column: 'name', descending: true },
    });
  });

  it('takes the direction from the cursor when order_by is absent', () => {
    const cursor = encodeCursor({ kind: 'USER', order: '-id', after: 7 });
    expect(users.parse({ cursor })).toEqual({
      kind: 'USER',
      limit: 100,
      offset: 0,
      orderBy: { column: 'id', descending: true },
      after: 7,
    });
  });
});

describe('cursor', () => {
  it('round-trips and refuses anything else', () => {
    const cursor = { kind: 'TODO', order: 'id', after: 3 } as const;
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    for (const text of [
      '',
      'a b',
      '%%%',
      Buffer.from('[]').toString('base64url'),
      `${encodeCursor(cursor)}=`,
    ]) {
      expect(decodeCursor(text)).toBeUndefined();
    }
    const tampered = Buffer.from(JSON.stringify({ ...cursor, after: -1 })).toString('base64url');
    expect(decodeCursor(tampered)).toBeUndefined();
  });
});
