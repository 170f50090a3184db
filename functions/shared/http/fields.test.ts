import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_ITEMS_PER_REQUEST, email, id, idParam, money, oneOrMany, text } from './fields.ts';
import { fieldName } from './validation.ts';

/** The messages of a failed parse, keyed by field name. */
function issuesOf(schema: z.ZodType, value: unknown): Record<string, string> {
  const result = schema.safeParse(value);
  if (result.success) throw new Error(`expected ${JSON.stringify(value)} to be refused`);
  return Object.fromEntries(result.error.issues.map((issue) => [fieldName(issue.path), issue.message]));
}

describe('text', () => {
  const title = text(5);

  it('trims and counts the length after trimming', () => {
    expect(title.parse('  abc  ')).toBe('abc');
    expect(title.parse(' abcde ')).toBe('abcde');
  });

  it('refuses an empty or blank value', () => {
    expect(issuesOf(title, '')).toEqual({ '': 'must not be empty' });
    expect(issuesOf(title, ' \t ')).toEqual({ '': 'must not be empty' });
  });

  it('refuses a value that is too long', () => {
    expect(issuesOf(title, 'abcdef')).toEqual({ '': 'must be at most 5 characters' });
  });

  it.each(['a\u0000b', 'a\nb', 'a\tb', 'a\u001bb', 'a\u007fb'])(
    'refuses control characters in %j',
    (value) => {
      expect(issuesOf(title, value)).toEqual({ '': 'must not contain control characters' });
    },
  );

  it.each(['\ud800', 'a\udc00', 'b\udbff'])('refuses the lone surrogate in %j', (value) => {
    expect(issuesOf(title, value)).toEqual({ '': 'must be valid Unicode text' });
  });

  it('accepts characters beyond the Basic Multilingual Plane', () => {
    expect(title.safeParse('🙂').success).toBe(true);
  });

  it('refuses a non-string', () => {
    expect(title.safeParse(12).success).toBe(false);
  });
});

describe('email', () => {
  it('trims and lower-cases', () => {
    expect(email.parse('  Ada.Lovelace@Example.COM ')).toBe('ada.lovelace@example.com');
  });

  it.each(['not-an-email', 'a@', '@b.co', 'a b@c.co', ''])('refuses %j', (value) => {
    expect(issuesOf(email, value)).toEqual({ '': 'must be an email address' });
  });

  it('refuses an address over 254 characters', () => {
    expect(issuesOf(email, `${'a'.repeat(64)}@${'b'.repeat(190)}.com`)).toEqual({
      '': 'must be at most 254 characters',
    });
  });
});

describe('id', () => {
  it('accepts positive safe integers', () => {
    expect(id.parse(1)).toBe(1);
    expect(id.parse(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it.each([0, -1, 1.5, '1', 2 ** 53, Number.NaN, null])('refuses %s', (value) => {
    expect(id.safeParse(value).success).toBe(false);
  });
});

describe('idParam', () => {
  it('turns "42" into 42', () => {
    expect(idParam.parse('42')).toBe(42);
    expect(idParam.parse('999999999999999')).toBe(999_999_999_999_999);
  });

  it.each(['0', '-1', '1.5', 'abc', '99999999999999999', '', '042', ' 42', '1e3'])('refuses %j', (value) => {
    expect(issuesOf(idParam, value)).toEqual({ '': 'must be a positive integer id' });
  });
});

describe('money', () => {
  it('turns numbers and strings into cents', () => {
    expect(money.parse(89.97)).toBe(8997);
    expect(money.parse('89.97')).toBe(8997);
    expect(money.parse(0)).toBe(0);
  });

  it.each([1.005, -1, '1.005', 'abc', 1e21])('refuses %j', (value) => {
    expect(issuesOf(money, value)).toEqual({ '': 'must be a non-negative amount with at most two decimals' });
  });

  it('refuses other types', () => {
    expect(money.safeParse(true).success).toBe(false);
    expect(money.safeParse(null).success).toBe(false);
  });
});

describe('oneOrMany', () => {
  const users = oneOrMany(z.strictObject({ email }));

  it('takes a single object as one item and remembers it was not an array', () => {
    expect(users.parse({ email: 'A@B.co' })).toEqual({ items: [{ email: 'a@b.co' }], isArray: false });
  });

  it('takes an array and remembers it was one', () => {
    expect(users.parse([{ email: 'a@b.co' }, { email: 'c@d.co' }])).toEqual({
      items: [{ email: 'a@b.co' }, { email: 'c@d.co' }],
      isArray: true,
    });
  });

  it('takes a one-element array as an array', () => {
    expect(users.parse([{ email: 'a@b.co' }]).isArray).toBe(true);
  });

  it('refuses an empty array', () => {
    expect(issuesOf(users, [])).toEqual({ '': 'must hold at least one item' });
  });

  it(`accepts ${MAX_ITEMS_PER_REQUEST} items and refuses more`, () => {
    const item = { email: 'a@b.co' };
    expect(users.parse(Array.from({ length: MAX_ITEMS_PER_REQUEST }, () => item)).items).toHaveLength(
      MAX_ITEMS_PER_REQUEST,
    );
    expect(
      issuesOf(
        users,
        Array.from({ length: MAX_ITEMS_PER_REQUEST + 1 }, () => item),
      ),
    ).toEqual({
      '': `must hold at most ${MAX_ITEMS_PER_REQUEST} items`,
    });
  });

  it('names an array item by its index', () => {
    expect(issuesOf(users, [{ email: 'a@b.co' }, { email: 'nope' }])).toEqual({
      '[1].email': 'must be an email address',
    });
  });

  it('names a single object field without an index', () => {
    expect(issuesOf(users, { email: 'nope' })).toEqual({ email: 'must be an email address' });
  });

  it('keeps the path when nested in an object', () => {
    const order = z.object({ items: oneOrMany(z.object({ quantity: id })) });
    expect(issuesOf(order, { items: [{ quantity: 1 }, { quantity: 0 }] })).toEqual({
      'items[1].quantity': 'must be positive',
    });
  });

  it('refuses what is neither an item nor an array', () => {
    expect(users.safeParse('a@b.co').success).toBe(false);
    expect(users.safeParse(null).success).toBe(false);
  });
});
