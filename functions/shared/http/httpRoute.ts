// The one middy stack every HTTP Lambda shares: parse, validate, run, serialize, map errors.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { z } from 'zod';
import { settings } from '../config.ts';
import { logger } from '../logger.ts';
import { authentication, authenticationModeOfThisProcess, type RouteAccess } from './authentication.ts';
import type { HttpResponse } from './httpResponse.ts';
import {
  correlationIds,
  accessLog,
  errorResponses,
  jsonBody,
  type HttpEvent,
  type HttpResult,
  type RouteContext,
} from './middlewares.ts';
import { observability } from './observability.ts';
import { parseOrThrow } from './validation.ts';

// The middleware would send an empty Reporting-Endpoints header (this API has no reporting endpoint);
// its typings lag its options, hence the cast.
const securityHeaderOptions = { reportingEndpoints: false } as Parameters<typeof httpSecurityHeaders>[0];

export interface RouteSpec<B, P, Q> {
  /** `authenticated` (a bearer token) unless said otherwise; serverless.yml gives such routes the JWT authorizer */
  access?: RouteAccess;
  body?: z.ZodType<B>;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
}

export interface RouteRequest<B, P, Q> {
  body: B;
  params: P;
  query: Q;
  /** lower-cased header names */
  headers: Record<string, string | undefined>;
  method: string;
  /** the path as asked, e.g. `/users/7` */
  path: string;
  correlationId: string;
}

function serialize(response: HttpResponse): HttpResult {
  const hasBody = response.body !== undefined && response.statusCode !== 204;
  return {
    statusCode: response.statusCode,
    headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...response.headers },
    body: hasBody ? JSON.stringify(response.body) : '',
  };
}

export function httpRoute<B = undefined, P = undefined, Q = undefined>(
  spec: RouteSpec<B, P, Q>,
  handle: (request: RouteRequest<B, P, Q>) => Promise<HttpResponse>,
) {
  const access = spec.access ?? 'authenticated';
  const stack = middy<HttpEvent, HttpResult, Error, RouteContext>()
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders(securityHeaderOptions))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(correlationIds())
    .use(observability())
    .use(accessLog())
    .use(errorResponses())
    .use(authentication(access, authenticationModeOfThisProcess()));
  if (spec.body) stack.use(jsonBody(settings.MAX_BODY_BYTES));
  const handler = stack.handler(async (event, context) => {
    const request: RouteRequest<B, P, Q> = {
      body: spec.body ? parseOrThrow(spec.body, event.parsedBody, 'body') : (undefined as B),
      params: spec.params ? parseOrThrow(spec.params, event.pathParameters ?? {}, 'path') : (undefined as P),
      query: spec.query
        ? parseOrThrow(spec.query, event.queryStringParameters ?? {}, 'query')
        : (undefined as Q),
      headers: event.headers ?? {},
      method: event.requestContext.http.method,
      path: event.rawPath,
      correlationId: context.correlationId!,
    };
    return serialize(await handle(request));
  });
  // read by the template test, which checks that serverless.yml protects exactly these routes
  return Object.assign(handler, { access });
}
