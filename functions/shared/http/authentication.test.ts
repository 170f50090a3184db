// The authentication middleware: open without an issuer locally, closed without one in the cloud;
// with one, the verifier decides, and the caller it names (an administrator by the configured claim)
// goes to the route.
import middy from '@middy/core';
import { describe, expect, it, vi } from 'vitest';
import { httpEvent, lambdaContext } from '../../../tests/support/lambdaEvents.ts';
import type { Caller } from '../callers.ts';
import { UnauthorizedError } from '../errors.ts';
import { logger } from '../logger.ts';
import { authentication, type AuthenticationMode, type RouteAccess } from './authentication.ts';
import { errorResponses, type HttpEvent, type HttpResult, type RouteContext } from './middlewares.ts';

vi.spyOn(logger, 'info').mockImplementation(() => undefined);
const loggedErrors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

const admin = { claim: 'cognito:groups', value: 'admin' };

function route(access: RouteAccess, mode: AuthenticationMode) {
  let caller: Caller | undefined;
  const handler = middy<HttpEvent, HttpResult, Error, RouteContext>()
    .use(errorResponses())
    .use(authentication(access, mode))
    .handler(async (_event, context) => {
      caller = context.caller;
      return { statusCode: 200, body: 'served' };
    });
  return async (event: HttpEvent) => ({ answer: await handler(event, lambdaContext()), caller });
}

const request = (authorization?: string): HttpEvent => ({
  ...httpEvent({ method: 'GET', path: '/users' }),
  headers: authorization ? { authorization } : {},
});
const verifying = (claims: Record<string, unknown>) => ({
  verify: vi.fn(async () => claims),
  closedWithoutIssuer: true,
  admin,
});

describe('without an issuer', () => {
  it('is open locally, as anyone', async () => {
    const { answer, caller } = await route('authenticated', { closedWithoutIssuer: false, admin })(request());
    expect(answer.statusCode).toBe(200);
    expect(caller).toEqual({ signedIn: false, open: true });
  });

  it('closes every protected route in the cloud with a 503, and says why in the log', async () => {
    loggedErrors.mockClear();
    const { answer } = await route('authenticated', { closedWithoutIssuer: true, admin })(request());
    expect(answer.statusCode).toBe(503);
    expect(loggedErrors.mock.calls[0]?.[0]).toMatch(/no token issuer is configured/);
    expect((await route('public', { closedWithoutIssuer: true, admin })(request())).answer.statusCode).toBe(
      200,
    );
  });
});

describe('with an issuer', () => {
  it('asks the verifier about the Authorization header, and names the caller', async () => {
    const mode = verifying({ sub: 'alice' });
    const { answer, caller } = await route('authenticated', mode)(request('Bearer abc'));
    expect(answer.statusCode).toBe(200);
    expect(mode.verify).toHaveBeenCalledWith('Bearer abc');
    expect(caller).toEqual({ signedIn: true, subject: 'alice', administrator: false });
  });

  it('makes an administrator of a token whose configured claim holds the value, as an array or a list', async () => {
    for (const claims of [{ 'cognito:groups': ['staff', 'admin'] }, { 'cognito:groups': 'staff admin' }]) {
      const { caller } = await route(
        'authenticated',
        verifying({ sub: 'ops', ...claims }),
      )(request('Bearer t'));
      expect(caller).toMatchObject({ administrator: true });
    }
    const { caller } = await route(
      'authenticated',
      verifying({ sub: 'x', 'cognito:groups': ['administrators'] }),
    )(request('Bearer t'));
    expect(caller).toMatchObject({ administrator: false });
  });

  it('refuses an administrator route to anyone else with a 403', async () => {
    const { answer } = await route('administrator', verifying({ sub: 'alice' }))(request('Bearer t'));
    expect(answer.statusCode).toBe(403);
    expect(JSON.parse(answer.body as string)).toMatchObject({ code: 'forbidden' });
    const ops = await route(
      'administrator',
      verifying({ sub: 'ops', 'cognito:groups': ['admin'] }),
    )(request('Bearer t'));
    expect(ops.answer.statusCode).toBe(200);
  });

  it('refuses a token without a subject, and passes the verifier’s 401 on', async () => {
    expect((await route('authenticated', verifying({}))(request('Bearer t'))).answer.statusCode).toBe(401);
    const refusing = {
      verify: vi.fn(async () => {
        throw UnauthorizedError.missingToken();
      }),
      closedWithoutIssuer: true,
      admin,
    };
    const { answer } = await route('authenticated', refusing)(request());
    expect(answer.statusCode).toBe(401);
    expect(answer.headers?.['WWW-Authenticate']).toBe('Bearer');
  });

  it('does not ask about a public route', async () => {
    const mode = verifying({ sub: 'alice' });
    expect((await route('public', mode)(request())).answer.statusCode).toBe(200);
    expect(mode.verify).not.toHaveBeenCalled();
  });
});
