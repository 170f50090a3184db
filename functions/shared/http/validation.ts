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

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, part: 'body' | 'path' | 'query'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: fieldName(issue.path) || part,
    message: issue.message,
  }));
  const first = details[0]!;
  throw new BadRequestError('validation_failed', `${first.field}: ${first.message}`, first.field, details);
}
