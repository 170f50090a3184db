// What a route promises, in one place: its method and path, its handler, who may call it, what its
// function reads and writes, the zod schemas of what it takes and of what it answers, and the seeds'
// examples. The Lambda parses its request with these schemas (httpHandler.ts), the OpenAPI document is
// generated from them (functions/apiDocs), and serverless.yml's HTTP functions with their roles
// (infra/deploy/httpFunctions.ts), so the document, the deployment and the code cannot disagree; the
// end-to-end suites check every answer they receive against the document.
import type { z } from 'zod';
import type { ProjectionName } from '../../projectors/catalog.ts';
import type { RouteAccess } from './authentication.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** The dialects of the one API, as the OpenAPI document groups its operations. */
export const API_TAGS = {
  'invoice demo': 'Users, accounts, orders and monthly invoices, as the invoice demo speaks them.',
  analytics: 'The product catalog, catalog orders and their analytics, as the analytics seed speaks them.',
  'todo demo': 'Todos, as the todo demo speaks them.',
  'users demo': 'Users by first and last name: the same users as /system-api/users.',
  operations: 'Health and this API description.',
} as const;
export type ApiTag = keyof typeof API_TAGS;

export interface ResponseContract {
  description: string;
  /** the body as the route answers it: plain schemas, no transforms */
  body?: z.ZodType;
  /** the content types when not JSON (the reference page, its scripts) */
  mediaTypes?: readonly string[];
  /** named examples of the body, from the seeds where they give one */
  examples?: Record<string, unknown>;
}

/** Problem codes a route answers beyond those every route of its kind may (see openApiDocument.ts). */
export type RouteErrors = Partial<Record<400 | 403 | 404 | 409 | 422 | 503, readonly string[]>>;

/** What httpHandler needs to parse a request: who may call, and the schemas of its parts. */
export interface RouteSpec<B, P, Q> {
  /** `authenticated` (a bearer token) unless said otherwise */
  access?: RouteAccess;
  body?: z.ZodType<B>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
}

/**
 * What a route's function reads besides its request; each is a grant of its role
 * (infra/deploy/httpFunctions.ts), and nothing else is granted.
 * - a projection's name: its items (the live table and a rebuild's), as its queries read them
 * - `checkpoints`: every stream's checkpoint, and no other item of the projection tables
 * - `streamHead`: the event-stream table: the streams' heads and the live tables
 * - `callersUser`: who the signed-in caller is, from the directory's byOwner index, and its checkpoint
 * - `databaseConnection`: PostgreSQL as the health role, which may connect and nothing more
 * A protected route's function also asks the issuer's keys (from its `access`).
 */
export type RouteRead = ProjectionName | 'checkpoints' | 'streamHead' | 'callersUser' | 'databaseConnection';

/**
 * What a route's function writes. `database`: PostgreSQL as the commands' role (its rows, the event
 * log, the idempotency records), then it wakes the relay.
 */
export type RouteWrite = 'database';

interface ContractBase<B, P, Q> extends RouteSpec<B, P, Q> {
  /** unique; also the typed client's name for the operation */
  operationId: string;
  method: HttpMethod;
  /** as API Gateway's route key writes it (the function's httpApi event): `/users/{id}` */
  path: string;
  /** the module whose `handler` serves the route, from the project's root */
  handler: `functions/${string}.ts`;
  /** the function's name in the template (its logical id, its log group), when not the operationId */
  functionName?: string;
  reads: readonly RouteRead[];
  writes?: readonly RouteWrite[];
  /** files the handler reads at run time, packaged beside its bundle */
  packageFiles?: readonly string[];
  tag: ApiTag;
  summary: string;
  description?: string;
  access: RouteAccess;
  /** named examples of the request body */
  bodyExamples?: Record<string, unknown>;
  responses: Partial<Record<200 | 201 | 204 | 503, ResponseContract>>;
  errors?: RouteErrors;
}

/**
 * A command writes PostgreSQL and answers X-Event-Position, and takes an Idempotency-Key; a query
 * reads one projection and takes X-Min-Position (a list also answers X-Next-Cursor); an operation is
 * neither (health, this API's description).
 */
export type RouteContract<B = unknown, P = unknown, Q = unknown> = ContractBase<B, P, Q> &
  (
    | { kind: 'command' }
    | { kind: 'query'; projection: ProjectionName; list?: boolean }
    | { kind: 'operation' }
  );

export type CommandContract<B = unknown, P = unknown> = ContractBase<B, P, undefined> & { kind: 'command' };
export type QueryContract<P = unknown, Q = unknown> = ContractBase<undefined, P, Q> & {
  kind: 'query';
  projection: ProjectionName;
  list?: boolean;
};

/** `POST /users`: how serverless.yml, the logs and an Idempotency-Key's scope name a route. */
export const routeKey = (contract: Pick<RouteContract, 'method' | 'path'>) =>
  `${contract.method} ${contract.path}`;

// Identity functions but for the kind (and a command's reads and writes): they make TypeScript infer
// the schemas' types from the literal.
/** A command writes PostgreSQL as the commands' role and reads nothing else. */
export const commandContract = <B = undefined, P = undefined>(
  contract: Omit<CommandContract<B, P>, 'kind' | 'reads' | 'writes'>,
): CommandContract<B, P> => ({ ...contract, kind: 'command', reads: [], writes: ['database'] });

/**
 * A query reads its projection and the stream head (the live table, X-Min-Position), and for a
 * signed-in caller who is no administrator, when the projection is not the directory, who that caller
 * is (callerScope.ts), as queryHandler waits for the directory then: unless it says otherwise.
 */
export const queryContract = <P = undefined, Q = undefined>(
  contract: Omit<QueryContract<P, Q>, 'kind' | 'reads'> & { reads?: readonly RouteRead[] },
): QueryContract<P, Q> => ({
  ...contract,
  kind: 'query',
  reads: contract.reads ?? [
    contract.projection,
    'streamHead',
    ...(contract.projection !== 'directory' && contract.access === 'authenticated'
      ? (['callersUser'] as const)
      : []),
  ],
});

export const operationContract = <P = undefined, Q = undefined>(
  contract: Omit<ContractBase<undefined, P, Q>, 'kind'>,
): RouteContract<undefined, P, Q> => ({ ...contract, kind: 'operation' });
