import { describe, expect, it } from 'vitest';
import { thrown } from '../../../tests/support/thrown.ts';
import { z } from 'zod';
import { BadRequestError } from '../errors.ts';
import { email, id, oneOrMany, text } from './fields.ts';
import { fieldName, parseOrThrow } from './validation.ts';

describe('fieldName', () => {
  it.each([
    [[], ''],
    [['email'], 'email'],
    [['address', 'city'], 'address.city'],
    [['items', 0, 'quantity'], 'items[0].quantity'],
    [[1, 'email'], '[1].email'],
    [[0], '[0]'],
    [['matrix', 0, 1], 'matrix[0][1]'],
  ])('formats %j as %j', (path, expected) => {
    expect(fieldName(path)).toBe(expected);
  });
});

describe('parseOrThrow', () => {
  const body = z.object({ name: text(10), email, age: id.optional() });

  it('returns the parsed (transformed) value on success', () => {
    expect(parseOrThrow(body, { name: ' Ada ', email: 'ADA@x.io' }, 'body')).toEqual({
      name: 'Ada',
      email: 'ada@x.io',
    });
  });

  it('throws a BadRequestError naming the first bad field and listing every issue', () => {
    const error = thrown(() => parseOrThrow(body, { name: '', email: 'nope', age: -3 }, 'body'));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'validation_failed',
      field: 'name',
      message: 'name: must not be empty',
      details: [
        { field: 'name', message: 'must not be empty' },
        { field: 'email', message: 'must be an email address' },
        { field: 'age', message: 'must be positive' },
      ],
    });
  });

  it('names nested fields with their index', () => {
    const order = z.object({ items: z.array(z.object({ quantity: id })) });
    const error = thrown(() => parseOrThrow(order, { items: [{ quantity: 1 }, { quantity: 1.5 }] }, 'body'));
    expect(error).toMatchObject({ field: 'items[1].quantity' });
  });

  it.each(['body', 'path', 'query'] as const)('names the %s itself when the whole value is wrong', (part) => {
    const error = thrown(() => parseOrThrow(z.object({}), 'not an object', part));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error).toMatchObject({ field: part, details: [{ field: part }] });
  });

  it('names an unknown field by its key, in a single body and in an array item', () => {
    const item = z.strictObject({ title: z.string() });
    expect(thrown(() => parseOrThrow(item, { title: 'x', admin: true }, 'body'))).toMatchObject({
      field: 'admin',
    });
    const many = oneOrMany(item);
    const error = thrown(() => parseOrThrow(many, [{ title: 'x' }, { title: 'y', admin: true }], 'body'));
    expect(error).toMatchObject({ field: '[1].admin' });
  });

  it('refuses C1 control characters and line separators in text', () => {
    for (const value of ['a\u0085b', 'a\u009fb', 'a\u2028b', 'a\u2029b']) {
      expect(() => parseOrThrow(text(10), value, 'body'), JSON.stringify(value)).toThrow(BadRequestError);
    }
  });
});
