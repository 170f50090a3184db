// Errors that carry their HTTP meaning; errorResponses() (http/middlewares.ts) maps them, in one place.

export abstract class AppError extends Error {
  abstract readonly statusCode: number;
  /** headers the answer carries besides the error (e.g. how fresh the read was) */
  responseHeaders: Record<string, string> = {};
  /** members the problem details carry besides code and field (RFC 9457 extension members) */
  extensions: Record<string, unknown> = {};
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request is malformed or a field is invalid (`field` names it). */
export class BadRequestError extends AppError {
  readonly statusCode = 400;
  constructor(
    code: string,
    message: string,
    field?: string,
    readonly details: readonly { field: string; message: string }[] = [],
  ) {
    super(code, message, field);
  }
}

/** 403: signed in, but what the request touches is not the caller's (or needs an administrator). */
export class ForbiddenError extends AppError {
  readonly statusCode = 403;
  constructor(message: string, field?: string) {
    super('forbidden', message, field);
  }
}

/** 404: an id in the path or the body names nothing. */
export class NotFoundError extends AppError {
  readonly statusCode = 404;
}

/** 405: the path exists, not with this method; `Allow` names the methods it takes. */
export class MethodNotAllowedError extends AppError {
  readonly statusCode = 405;
  constructor(allowed: readonly string[]) {
    super('method_not_allowed', `this path takes ${allowed.join(', ')}`);
    this.responseHeaders.Allow = allowed.join(', ');
  }
}

/** 409: the request collides with the current state (duplicate email, stock gone). */
export class ConflictError extends AppError {
  readonly statusCode = 409;
}

/** 413 */
export class PayloadTooLargeError extends AppError {
  readonly statusCode = 413;
}

/** 415 */
export class UnsupportedMediaTypeError extends AppError {
  readonly statusCode = 415;
}

/** 422: well-formed, but a rule says no (e.g. an Idempotency-Key reused with another body). */
export class RuleViolationError extends AppError {
  readonly statusCode = 422;
}

/** 503: a dependency is down; the client may retry after `retryAfterSeconds`. */
export class ServiceUnavailableError extends AppError {
  readonly statusCode = 503;
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
    code: 'service_unavailable' | 'dependency_down' = 'service_unavailable',
  ) {
    super(code, message);
  }
}

/** 401: no valid bearer token; `WWW-Authenticate` says why, as an HTTP API JWT authorizer does. */
export class UnauthorizedError extends AppError {
  readonly statusCode = 401;
  static missingToken = () =>
    new UnauthorizedError('missing_token', 'send a token: Authorization: Bearer <token>');
  constructor(code: 'missing_token' | 'invalid_token', message: string) {
    super(code, message);
    this.responseHeaders['WWW-Authenticate'] =
      code === 'missing_token' ? 'Bearer' : `Bearer error="invalid_token", error_description="${message}"`;
  }
}
