// The one middy stack every HTTP Lambda shares: parse, validate, run, serialize, map errors.
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpSecurityHeaders from '@middy/http-security-headers';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { NOBODY, type Caller } from '../callers.ts';
import { settings } from '../config.ts';
import { logger } from '../logger.ts';
import { authentication, authenticationModeOfThisProcess } from './authentication.ts';
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
import { routeKey, type RouteContract, type RouteSpec } from './routeContract.ts';
import { parseOrThrow } from './validation.ts';

type SecurityHeaderOptions = NonNullable<Parameters<typeof httpSecurityHeaders>[0]>;

// The middleware would send an empty Reporting-Endpoints header (this API has no reporting endpoint);
// its typings lag its options, hence the cast.
const securityHeaderOptions = { reportingEndpoints: false } as SecurityHeaderOptions;

export interface HttpHandlerOptions {
  /**
   * The Content-Security-Policy of an HTML answer, for the one route that serves a page (/docs); every
   * other HTML answer gets the middleware's policy, which lets nothing run.
   */
  contentSecurityPolicy?: Record<string, string | false>;
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
  /** who calls: a signed-in subject, or anyone when signing in is off (callers.ts) */
  caller: Caller;
}

function serialize(response: HttpResponse): HttpResult {
  const hasBody = response.body !== undefined && response.statusCode !== 204;
  // a body already in its final form (a page, a script) says its own Content-Type
  const text = typeof response.body === 'string' && response.headers?.['Content-Type'];
  return {
    statusCode: response.statusCode,
    headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...response.headers },
    body: hasBody ? (text ? (response.body as string) : JSON.stringify(response.body)) : '',
    ...(response.isBase64Encoded && { isBase64Encoded: true }),
  };
}

/**
 * A route's Lambda, from its contract (routeContract.ts) or, for the fallback, which has no path of
 * its own, from a bare spec.
 */
export function httpHandler<B = undefined, P = undefined, Q = undefined>(
  spec: RouteSpec<B, P, Q> | RouteContract<B, P, Q>,
  handle: (request: RouteRequest<B, P, Q>) => Promise<HttpResponse>,
  options: HttpHandlerOptions = {},
) {
  const access = spec.access ?? 'authenticated';
  const securityHeaders = options.contentSecurityPolicy
    ? ({
        ...securityHeaderOptions,
        contentSecurityPolicy: options.contentSecurityPolicy,
      } as SecurityHeaderOptions)
    : securityHeaderOptions;
  const stack = middy<HttpEvent, HttpResult, Error, RouteContext>()
    .use(httpHeaderNormalizer())
    .use(httpSecurityHeaders(securityHeaders))
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
      // authentication() always names one; were it missing, the caller would own nothing
      caller: context.caller ?? NOBODY,
    };
    return serialize(await handle(request));
  });
  // read by the template test, which holds serverless.yml's routes to the contracts
  return Object.assign(handler, { access, route: 'path' in spec ? routeKey(spec) : undefined });
}
