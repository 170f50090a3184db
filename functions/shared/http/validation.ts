// Turns zod's verdict on a request part into a 400 that names the first bad field.
import type { z } from 'zod';
import { BadRequestError } from '../errors.ts';

/** `items[0].quantity` from zod's path ["items", 0, "quantity"]; a bare index for a top-level array. */
export function fieldName(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index ? '.' : ''}${String(segment)}`,
    )
    .join('');
}

/** Where an issue lies; an unknown key is named itself (zod puts it in `keys`, not in the path). */
export function issuePath(issue: z.core.$ZodIssue): PropertyKey[] {
  return issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined
    ? [...issue.path, issue.keys[0]]
    : [...issue.path];
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, part: 'body' | 'path' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: fieldName(issuePath(issue)) || part,
    message: issue.message,
  }));
  const first = details[0]!;
  throw new BadRequestError('validation_failed', `${first.field}: ${first.message}`, first.field, details);
}
