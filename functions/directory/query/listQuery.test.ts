import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './listCursor.ts';
import { listQuery, MAX_OFFSET_WINDOW } from './listQuery.ts';

const users = listQuery({ kind: 'USER', columns: ['name'], defaultLimit: 100 });
const fieldOf = (result: ReturnType<typeof users.safeParse>) => result.error?.issues[0]?.path.join('.');

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

  it('takes the order from the cursor when order_by is absent', () => {
    const cursor = encodeCursor({ kind: 'USER', order: '-id', after: 7 });
    expect(users.parse({ cursor })).toEqual({
      kind: 'USER',
      limit: 100,
      offset: 0,
      orderBy: { column: 'id', descending: true },
      after: 7,
    });
    const byName = encodeCursor({ kind: 'USER', order: 'name', after: '3a#0000000000000004' });
    expect(users.parse({ cursor: byName, order_by: 'name' })).toMatchObject({
      orderBy: { column: 'name', descending: false },
      after: '3a#0000000000000004',
    });
  });

  it('bounds offset + limit, and points past the bound to the cursor', () => {
    expect(users.safeParse({ offset: String(MAX_OFFSET_WINDOW - 100) }).success).toBe(true);
    const deep = users.safeParse({ offset: String(MAX_OFFSET_WINDOW - 99) });
    expect(fieldOf(deep)).toBe('offset');
    expect(deep.error?.issues[0]?.message).toMatch(/X-Next-Cursor/);
    expect(fieldOf(users.safeParse({ offset: '9007199254740991' }))).toBe('offset');
  });

  it('refuses a cursor of another list or another order', () => {
    const refusals = [
      encodeCursor({ kind: 'ACCOUNT', order: 'id', after: 3 }),
      encodeCursor({ kind: 'USER', order: 'email', after: '3a#0000000000000004' }),
    ];
    for (const cursor of refusals) expect(fieldOf(users.safeParse({ cursor }))).toBe('cursor');
    const byName = encodeCursor({ kind: 'USER', order: 'name', after: '3a#0000000000000004' });
    expect(fieldOf(users.safeParse({ cursor: byName, order_by: '-name' }))).toBe('cursor');
    expect(fieldOf(users.safeParse({ cursor: byName, offset: '3' }))).toBe('offset');
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
  });

  it('refuses a cursor edited or cut, even into another valid one', () => {
    const text = encodeCursor({
      kind: 'ORDER',
      order: '-amount',
      after: '0000000000001999#0000000000000012',
    });
    const payload = text.slice(0, -16);
    const forged = Buffer.from(
      JSON.stringify(['ORDER', '-amount', '0000000000009999#0000000000000012']),
    ).toString('base64url');
    for (const tampered of [
      `${forged}${text.slice(-16)}`,
      `${payload.slice(0, -1)}${payload.at(-1) === 'A' ? 'B' : 'A'}${text.slice(-16)}`,
      text.slice(0, -1),
      text.slice(1),
    ]) {
      expect(decodeCursor(tampered)).toBeUndefined();
    }
  });
});
