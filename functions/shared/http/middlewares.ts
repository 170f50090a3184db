// The middlewares of the shared HTTP stack that no well-kept middy package provides as we need them:
// correlation ids in logs and responses, one error mapping, and a JSON body reader that answers
// 413/415/400 (middy's json-body-parser answers 422 to malformed JSON and has no size limit).
import { randomUUID } from 'node:crypto';
import type middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import {
  AppError,
  BadRequestError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
} from '../errors.ts';
import type { Caller } from '../callers.ts';
import { logger } from '../logger.ts';
import { PROBLEM_MEDIA_TYPE, problemDetails } from './problemDetails.ts';

export type HttpEvent = APIGatewayProxyEventV2 & { parsedBody?: unknown };
export type HttpResult = APIGatewayProxyStructuredResultV2;
export type RouteContext = Context & {
  correlationId?: string;
  /** set by authentication() */
  caller?: Caller;
};
type Request = middy.Request<HttpEvent, HttpResult, Error, RouteContext>;

const CORRELATION_HEADER = 'x-correlation-id';
const SAFE_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function withHeader(request: Request, name: string, value: string): void {
  if (!request.response) return;
  request.response.headers = { ...request.response.headers, [name]: value };
}

/** Takes the caller's X-Correlation-Id (when sane) or makes one; logs and answers carry it. */
export function correlationIds(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext> {
  const echo = async (request: Request) => {
    withHeader(request, 'X-Correlation-Id', request.context.correlationId ?? '');
  };
  return {
    before: async (request) => {
      const offered = request.event.headers?.[CORRELATION_HEADER];
      const correlationId = offered && SAFE_CORRELATION_ID.test(offered) ? offered : randomUUID();
      request.context.correlationId = correlationId;
      logger.setCorrelationId(correlationId);
    },
    after: echo,
    onError: echo,
  };
}

/**
 * One log line per request, answered or refused: method, path, status and milliseconds (the
 * correlation id is on every line already). `npm run dev` prints it as one short line.
 */
export function accessLog(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext> {
  // per request: serverless-offline runs requests of one handler concurrently in one process
  const started = new WeakMap<Request, number>();
  const log = async (request: Request) => {
    logger.info('request handled', {
      method: request.event.requestContext?.http?.method,
      path: request.event.rawPath,
      statusCode: request.response?.statusCode ?? 500,
      durationMs: Math.round(performance.now() - (started.get(request) ?? performance.now())),
    });
  };
  return {
    before: async (request) => {
      started.set(request, performance.now());
    },
    after: log,
    onError: log,
  };
}

/**
 * Maps every error to a problem details answer (RFC 9457) in one place; nothing but a generic
 * detail leaves on a 500.
 */
export function errorResponses(): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext> {
  return {
    onError: async (request) => {
      const error = request.error;
      const instance = request.event.rawPath;
      if (error instanceof AppError) {
        if (error.statusCode >= 500) logger.error('dependency unavailable', { error });
        else
          logger.info('request refused', {
            statusCode: error.statusCode,
            code: error.code,
            field: error.field,
          });
        const errors =
          error instanceof BadRequestError && error.details.length > 1 ? error.details : undefined;
        request.response = {
          statusCode: error.statusCode,
          headers: {
            'Content-Type': PROBLEM_MEDIA_TYPE,
            ...(error instanceof ServiceUnavailableError
              ? { 'Retry-After': String(error.retryAfterSeconds) }
              : {}),
            ...error.responseHeaders,
          },
          body: JSON.stringify(
            problemDetails(error.statusCode, error.code, error.message, {
              ...(error.field ? { field: error.field } : {}),
              ...(errors ? { errors } : {}),
              instance,
              extensions: error.extensions,
            }),
          ),
        };
        return;
      }
      logger.error('unhandled error', { error });
      request.response = {
        statusCode: 500,
        headers: { 'Content-Type': PROBLEM_MEDIA_TYPE },
        body: JSON.stringify(problemDetails(500, 'internal_error', 'internal error', { instance })),
      };
    },
  };
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Reads a JSON body: 413 over `maxBytes`, 415 when not declared JSON, 400 when not parseable. */
export function jsonBody(maxBytes: number): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext> {
  return {
    before: async (request) => {
      const { event } = request;
      const raw = event.body ?? '';
      const bytes = Buffer.byteLength(raw, event.isBase64Encoded ? 'base64' : 'utf8');
      if (bytes > maxBytes) {
        throw new PayloadTooLargeError('payload_too_large', `the body may be at most ${maxBytes} bytes`);
      }
      const contentType = event.headers?.['content-type'] ?? '';
      if (!JSON_MEDIA_TYPE.test(contentType)) {
        throw new UnsupportedMediaTypeError(
          'unsupported_media_type',
          'send the body as Content-Type: application/json',
        );
      }
      const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
      if (text.trim() === '') throw new BadRequestError('body_required', 'a JSON body is required', 'body');
      try {
        event.parsedBody = JSON.parse(text);
      } catch {
        throw new BadRequestError('malformed_json', 'the body is not valid JSON', 'body');
      }
    },
  };
}
