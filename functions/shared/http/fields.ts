// Field schemas shared by the command bodies and paths.
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
 * A body that is either one item or an array of them (the invoice demo's dialect); the result
 * remembers which, so that the answer has the same shape as the request.
 */
export function oneOrMany<T>(item: z.ZodType<T>) {
  const many = z
    .array(item)
    .min(1, 'must hold at least one item')
    .max(MAX_ITEMS_PER_REQUEST, `must hold at most ${MAX_ITEMS_PER_REQUEST} items`);
  return z.unknown().transform((value, context): { items: T[]; isArray: boolean } => {
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
}
