// Field schemas shared by the command bodies and paths, and the fields of the answers.
import { z } from 'zod';
import { toCents } from '../money.ts';
import { issuePath } from './validation.ts';

/** A trimmed, non-empty line of Unicode text; control characters, line separators and lone surrogates are refused. */
export const text = (maxLength: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((value) => !/[\p{Cc}\u2028\u2029]/u.test(value), 'must not contain control characters')
    // a lone surrogate ("\ud800") is valid JSON but not Unicode text: PostgreSQL refuses it
    .refine((value) => !/\p{Cs}/u.test(value), 'must be valid Unicode text');

export const email = z
  .string()
  .trim()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email('must be an email address'))
  .transform((value) => value.toLowerCase());

/** A database id: a positive safe integer. */
export const id = z.int('must be an integer').positive('must be positive');

/** An amount of money in JSON (89.97 or "89.97") as integer cents. */
export const money = z.union([z.number(), z.string()]).transform((amount, context) => {
  const cents = toCents(amount);
  if (cents === null) {
    context.addIssue({ code: 'custom', message: 'must be a non-negative amount with at most two decimals' });
    return z.NEVER;
  }
  return cents;
});

/** A path parameter that must be an id: "42" → 42. */
export const idParam = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, 'must be a positive integer id')
  .transform(Number);

export const MAX_ITEMS_PER_REQUEST = 100;

/**
 * How a schema whose input zod cannot describe (a transform of `unknown`) is described in the OpenAPI
 * document instead (functions/apiDocs/openApiDocument.ts reads it).
 */
export const documentedAs = new WeakMap<object, z.ZodType>();

/**
 * A body that is either one item or an array of them (the invoice demo's dialect); the result
 * remembers which, so that the answer has the same shape as the request. Not a z.union: a union
 * refuses an array of too many items as "Invalid input", where this names the limit.
 */
export function oneOrMany<T>(item: z.ZodType<T>) {
  const many = z
    .array(item)
    .min(1, 'must hold at least one item')
    .max(MAX_ITEMS_PER_REQUEST, `must hold at most ${MAX_ITEMS_PER_REQUEST} items`);
  const schema = z.unknown().transform((value, context): { items: T[]; isArray: boolean } => {
    const isArray = Array.isArray(value);
    const result = isArray ? many.safeParse(value) : item.safeParse(value);
    if (!result.success) {
      for (const issue of result.error.issues) {
        context.addIssue({ code: 'custom', message: issue.message, path: issuePath(issue) });
      }
      return z.NEVER;
    }
    return isArray ? { items: result.data as T[], isArray } : { items: [result.data as T], isArray };
  });
  documentedAs.set(schema, z.union([item, many]));
  return schema;
}

// The fields of the answers, for the OpenAPI document: plain schemas, as the routes serialize them.

/** An id in an answer. */
export const answeredId = z.int().positive();

/** An amount of money in an answer: a JSON number with at most two decimals (integer cents inside). */
export const answeredAmount = z
  .number()
  .nonnegative()
  .meta({ description: 'an amount with at most two decimals', example: 89.97 });

/** A UTC instant in ISO 8601, as every answer writes time. */
export const answeredTime = z.iso.datetime().meta({ example: '2026-02-11T16:35:00.000Z' });
