// The OpenAPI 3.1 document of the HTTP API, generated from the routes' contracts (apiRoutes.ts) with
// zod-openapi: requests as the Lambdas parse them (zod's input side), answers as they serialize them.
// What every route of a kind shares is added here, once: the headers of commands and queries, and
// the problems the shared middy stack answers (a bad body, a missing token, an unreachable database).
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';
import {
  createDocument,
  createSchema,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import packageJson from '../../package.json' with { type: 'json' };
import { MIN_POSITION_HEADER } from '../shared/queries/queryRoute.ts';
import { NEXT_CURSOR_HEADER } from '../directory/query/listEntities.ts';
import { documentedAs } from '../shared/http/fields.ts';
import { EVENT_POSITION_HEADER } from '../shared/http/httpResponse.ts';
import { PROBLEM_MEDIA_TYPE, problemSchema } from '../shared/http/problemDetails.ts';
import { API_TAGS, type RouteContract } from '../shared/http/routeContract.ts';
import { apiRoutes } from './apiRoutes.ts';

const JSON_MEDIA_TYPE = 'application/json';

const correlationId = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{1,128}$/)
  .optional()
  .meta({ description: 'yours if you sent a sane one, else a new one; in every log line and event' });

const requestHeaders = (contract: RouteContract) =>
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
          description: `a command's ${EVENT_POSITION_HEADER}: wait (at most 2 s) until this read model has applied it`,
          example: '1000001',
        }),
    }),
  });

const successHeaders = (contract: RouteContract) =>
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
  if (contract.path === '/health') add(503, 'dependency_down');
  for (const [status, codes] of Object.entries(contract.errors ?? {})) add(Number(status), ...codes);
  add(500, 'internal_error');
  return new Map([...problems].sort(([a], [b]) => a - b).map(([status, codes]) => [status, [...codes]]));
}

function problemResponse(contract: RouteContract, status: number, codes: readonly string[]) {
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

function operationOf(contract: RouteContract): ZodOpenApiOperationObject {
  const parameters = {
    ...(contract.params && { path: contract.params }),
    ...(contract.query && { query: contract.query }),
    header: requestHeaders(contract),
  };
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(contract.responses)) {
    responses[status] = {
      description: response.description,
      headers: successHeaders(contract),
      ...(response.body && {
        content: Object.fromEntries(
          (response.mediaTypes ?? [JSON_MEDIA_TYPE]).map((mediaType) => [
            mediaType,
            {
              schema: response.body!,
              ...(response.examples && { examples: namedExamples(response.examples) }),
            },
          ]),
        ),
      }),
    };
  }
  for (const [status, codes] of problemsOf(contract)) {
    responses[String(status)] = problemResponse(contract, status, codes);
  }
  return {
    operationId: contract.operationId,
    summary: contract.summary,
    ...(contract.description && { description: contract.description }),
    tags: [contract.tag],
    security: contract.access === 'public' ? [] : [{ bearerToken: [] }],
    // zod-openapi takes objects; a list's query is an object piped through a transform, which it reads
    requestParams: parameters as ZodOpenApiOperationObject['requestParams'],
    ...(contract.body && {
      requestBody: {
        required: true,
        content: {
          [JSON_MEDIA_TYPE]: {
            schema: contract.body,
            ...(contract.bodyExamples && { examples: namedExamples(contract.bodyExamples) }),
          },
        },
      },
    }),
    responses,
  };
}

const namedExamples = (examples: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }]));

/** The document, for these routes (all of the API's by default). */
export function openApiDocument(routes: readonly RouteContract[] = apiRoutes) {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const contract of routes) {
    paths[contract.path] = {
      ...paths[contract.path],
      [contract.method.toLowerCase()]: operationOf(contract),
    };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'cqrs-commerce',
        version: packageJson.version,
        description:
          'A serverless CQRS commerce backend: commands write PostgreSQL and an event log, projectors keep DynamoDB read models, queries read them. Every error is RFC 9457 problem details (application/problem+json) with a stable `code`, and `field` when a field is wrong. Reads are eventually consistent: send a command’s X-Event-Position back as X-Min-Position to read your write. Where signing in is on, a bearer token’s subject owns the user it registers (one at most) and that user’s accounts, orders, invoices and lifetime value, and the todos it creates: a caller reads and changes only its own (403 otherwise; a list shows only its own), an administrator everything. The catalog analytics, health and this document are public.',
        license: { name: 'UNLICENSED' },
      },
      servers: [{ url: '/', description: 'where this document is served' }],
      tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token of the issuer the stage trusts (a Cognito user pool in the cloud; `POST /token` of the local test issuer with LOCAL_AUTH=on)',
          },
        },
      },
      paths,
    },
    {
      // a schema zod cannot describe (oneOrMany's transform of unknown) is described as registered
      override: ({ zodSchema, jsonSchema, io }) => {
        const documented = documentedAs.get(zodSchema);
        if (!documented) return;
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
        Object.assign(jsonSchema, createSchema(documented, { io }).schema);
      },
    },
  );
}
