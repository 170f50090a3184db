// The authentication middleware in the cloud mode: API Gateway has checked the token, so the Lambda
// only refuses a protected route that arrives without the authorizer's claims (fail closed).
import middy from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { httpEvent, lambdaContext } from '../../../tests/support/lambdaEvents.ts';
import { logger } from '../logger.ts';
import { authentication, type AuthenticationMode, type RouteAccess } from './authentication.ts';
import { errorResponses, type HttpEvent, type HttpResult, type RouteContext } from './middlewares.ts';

vi.spyOn(logger, 'info').mockImplementation(() => undefined);
const loggedErrors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

function route(access: RouteAccess, mode: AuthenticationMode) {
  return middy<HttpEvent, HttpResult, Error, RouteContext>()
    .use(errorResponses())
    .use(authentication(access, mode))
    .handler(async () => ({ statusCode: 200, body: 'served' }));
}

const withClaims = (claims?: Record<string, unknown>): HttpEvent => {
  const event = httpEvent({ method: 'GET', path: '/users' });
  if (claims) Object.assign(event.requestContext, { authorizer: { jwt: { claims, scopes: null } } });
  return event;
};

describe('in the cloud', () => {
  const cloud = { cloud: true };

  it('serves a protected route the JWT authorizer let through', async () => {
    const answer = await route('authenticated', cloud)(withClaims({ sub: 'alice' }), lambdaContext());
    expect(answer.statusCode).toBe(200);
  });

  it('refuses a protected route that reached the Lambda without the authorizer, and says why in the log', async () => {
    loggedErrors.mockClear();
    const answer = await route('authenticated', cloud)(withClaims(), lambdaContext());
    expect(answer.statusCode).toBe(401);
    expect(answer.headers?.['WWW-Authenticate']).toBe('Bearer');
    expect(loggedErrors.mock.calls[0]?.[0]).toMatch(/without the JWT authorizer/);
  });

  it('serves a public route without a token', async () => {
    expect((await route('public', cloud)(withClaims(), lambdaContext())).statusCode).toBe(200);
  });
});

describe('locally', () => {
  it('is open without an issuer', async () => {
    const answer = await route('authenticated', { cloud: false })(withClaims(), lambdaContext());
    expect(answer.statusCode).toBe(200);
  });

  it('asks the verifier about the Authorization header when an issuer is set', async () => {
    const verify = vi.fn(async () => ({ sub: 'alice' }));
    const event = { ...withClaims(), headers: { authorization: 'Bearer abc' } };
    expect((await route('authenticated', { cloud: false, verify })(event, lambdaContext())).statusCode).toBe(
      200,
    );
    expect(verify).toHaveBeenCalledWith('Bearer abc');
  });
});
