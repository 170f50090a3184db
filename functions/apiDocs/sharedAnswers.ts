// What every route of a kind shares in the OpenAPI document, in one place: the headers of commands
// and queries, and the problems the shared middy stack answers (a bad body, a missing token, an
// unreachable database) besides those a route's contract names.
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import { NEXT_CURSOR_HEADER } from '../directory/query/listEntities.ts';
import { EVENT_POSITION_HEADER } from '../shared/http/httpResponse.ts';
import { PROBLEM_MEDIA_TYPE, problemSchema } from '../shared/http/problemDetails.ts';
import type { RouteContract } from '../shared/http/routeContract.ts';
import { MIN_POSITION_HEADER } from '../shared/queries/queryHandler.ts';

const correlationId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .optional()
  .meta({ description: 'yours if you sent a sane one, else a new one; in every log line and event' });

export const requestHeaders = (contract: RouteContract) =>
  z.object({
    'X-Correlation-Id': correlationId,
    ...(contract.kind === 'command' && {
      'Idempotency-Key': z
        .string()
        .regex(/^[\x21-\x7e]{1,255}$/)
        .optional()
        .meta({
          description:
            'a retry with the same key and body gets the first answer again and writes nothing; the same key with another body is a 422. Scoped to the route and, signed in, to the caller',
          example: 'order-7f3c',
        }),
    }),
    ...(contract.kind === 'query' && {
      [headerName(MIN_POSITION_HEADER)]: z
        .string()
        .regex(/^\d{1,16}$/)
        .optional()
        .meta({
          description: `a command's ${EVENT_POSITION_HEADER}: wait (at most 2 s by default) until this read model has applied it; a position no command can have answered yet (beyond the event stream's head) is a 400 at once`,
          example: '1000001',
        }),
    }),
  });

export const successHeaders = (contract: RouteContract) =>
  z.object({
    'X-Correlation-Id': correlationId,
    ...(contract.kind === 'command' && {
      [EVENT_POSITION_HEADER]: z.string().meta({
        description: `the position of the command's last event: send it as ${headerName(MIN_POSITION_HEADER)} to read your write`,
        example: '1000001',
      }),
      'Idempotent-Replayed': z
        .literal('true')
        .optional()
        .meta({ description: 'the first answer to this Idempotency-Key, again' }),
    }),
    ...(contract.kind === 'query' && {
      'X-Consistency': z
        .enum(['fresh', 'stale'])
        .optional()
        .meta({
          description: `with ${headerName(MIN_POSITION_HEADER)}: whether the read model got there in time`,
        }),
      'X-Projection-Position': z
        .string()
        .optional()
        .meta({ description: `with ${headerName(MIN_POSITION_HEADER)}: how far the read model had got` }),
    }),
    ...(contract.kind === 'query' &&
      contract.list && {
        [NEXT_CURSOR_HEADER]: z
          .string()
          .optional()
          .meta({ description: 'there is a next page: pass this as `cursor` (order_by id or -id)' }),
      }),
  });

/** `x-min-position` → `X-Min-Position` */
function headerName(lowerCase: string): string {
  return lowerCase.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());
}

/** The problems a route may answer, by status, with their codes. */
export function problemsOf(contract: RouteContract): Map<number, string[]> {
  const problems = new Map<number, Set<string>>();
  const add = (status: number, ...codes: string[]) => {
    const known = problems.get(status) ?? new Set<string>();
    for (const code of codes) known.add(code);
    problems.set(status, known);
  };
  const takesInput = contract.body || contract.params || contract.query || contract.kind !== 'operation';
  if (takesInput) add(400, 'validation_failed');
  if (contract.body) {
    add(400, 'malformed_json', 'body_required');
    add(413, 'payload_too_large');
    add(415, 'unsupported_media_type');
  }
  if (contract.access !== 'public') {
    add(401, 'missing_token', 'invalid_token');
    if (contract.access === 'administrator') add(403, 'forbidden');
    // the token's issuer cannot be reached
    add(503, 'service_unavailable');
  }
  if (contract.kind === 'command') {
    add(422, 'idempotency_key_reused');
    add(503, 'service_unavailable');
  }
  for (const [status, codes] of Object.entries(contract.errors ?? {})) add(Number(status), ...codes);
  add(500, 'internal_error');
  return new Map([...problems].sort(([a], [b]) => a - b).map(([status, codes]) => [status, [...codes]]));
}

export function problemResponse(contract: RouteContract, status: number, codes: readonly string[]) {
  const headers = z.object({
    'X-Correlation-Id': correlationId,
    ...(status === 401 && {
      'WWW-Authenticate': z.string().meta({ description: 'Bearer, and why the token was refused' }),
    }),
    ...(status === 503 && {
      'Retry-After': z.string().optional().meta({ description: 'seconds to wait before a retry' }),
    }),
  });
  const example = {
    type: 'about:blank',
    title: STATUS_CODES[status],
    status,
    detail: exampleDetail(codes[0]!),
    instance: contract.path,
    code: codes[0],
  };
  return {
    description: `${STATUS_CODES[status]}: ${codes.join(', ')}`,
    headers,
    content: {
      [PROBLEM_MEDIA_TYPE]: {
        schema: z.intersection(
          problemSchema,
          z.looseObject({ code: z.enum(codes as [string, ...string[]]) }),
        ),
        example,
      },
    },
  };
}

const exampleDetail = (code: string) =>
  ({
    validation_failed: 'email: must be an email address',
    missing_token: 'send a token: Authorization: Bearer <token>',
  })[code] ?? code.replaceAll('_', ' ');
