// Tokens, played by an attacker and by an issuer having a bad day, against the stack every protected
// route runs (functions/shared/http/httpHandler.ts) configured as a deployed stage is: a Cognito user
// pool's issuer, its app client as the audience, and the keys from the issuerKeys function, which
// here is a stand-in Lambda endpoint that counts its invocations and can fail as Lambda reports a
// function error. Each test starts a fresh module scope: a cold container.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { configure, resetConfiguration } from '../../functions/shared/config.ts';
import { httpEvent, lambdaContext } from '../support/lambdaEvents.ts';
import { logAtLeast } from '../support/logLevel.ts';

const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Security1';
const APP_CLIENT = 'web-app-client';
const KEYS_FUNCTION = 'cqrs-commerce-security-issuerKeys';

let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
let jwk: JWK;
let keysFunction: { url: string; invocations: number; failing: boolean; server: Server };
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'pool-key-1', alg: 'RS256', use: 'sig' };
  // Lambda's Invoke API: the function's answer, or a function error (HTTP 200, X-Amz-Function-Error)
  const state = { invocations: 0, failing: false };
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      if (!request.url?.startsWith(`/2015-03-31/functions/${KEYS_FUNCTION}/invocations`)) {
        response.writeHead(404).end();
        return;
      }
      state.invocations++;
      const answer = state.failing
        ? { errorType: 'Error', errorMessage: 'https://cognito-idp… answered 503' }
        : { keys: [jwk] };
      response.writeHead(200, {
        'content-type': 'application/json',
        ...(state.failing ? { 'x-amz-function-error': 'Unhandled' } : {}),
      });
      response.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  keysFunction = Object.assign(state, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
  });
});

afterEach(() => {
  vi.useRealTimers();
  keysFunction.failing = false;
});

afterAll(async () => {
  process.env = savedEnvironment;
  resetConfiguration();
  await new Promise((resolve) => keysFunction?.server.close(resolve));
});

/** A protected route of a cold container configured for `issuerUrl`: the shared stack, answering 200. */
async function coldProtectedRoute(issuerUrl = COGNITO) {
  vi.resetModules();
  configure({
    AUTH_ISSUER_URL: issuerUrl,
    AUTH_AUDIENCE: APP_CLIENT,
    AUTH_KEYS_FROM: 'function',
    ISSUER_KEYS_FUNCTION_NAME: KEYS_FUNCTION,
    LAMBDA_ENDPOINT: keysFunction.url,
    AWS_REGION: 'eu-west-1',
  });
  logAtLeast('SILENT');
  const { httpHandler } = await import('../../functions/shared/http/httpHandler.ts');
  const handler = httpHandler({ access: 'authenticated' }, async (request) => ({
    statusCode: 200,
    body: { subject: request.caller.signedIn ? request.caller.subject : null },
  }));
  return async (token: string) => {
    const result = await handler(
      httpEvent({ method: 'GET', path: '/todos', headers: { authorization: `Bearer ${token}` } }),
      lambdaContext(),
    );
    return { status: result.statusCode!, body: JSON.parse(String(result.body)) as Record<string, unknown> };
  };
}

const seconds = () => Math.floor(Date.now() / 1000);

/** A token signed with the pool's key: by default an access token as Cognito issues one. */
function token(claims: JWTPayload = {}, header: Record<string, unknown> = {}) {
  const now = seconds();
  return new SignJWT({
    sub: 'mallory',
    iss: COGNITO,
    client_id: APP_CLIENT,
    token_use: 'access',
    scope: 'openid',
    iat: now,
    exp: now + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: jwk.kid!, ...header })
    .sign(privateKey);
}

describe('a token that is not an access token', () => {
  it('a Cognito ID token (aud = the app client, token_use id) is refused: 401', async () => {
    const call = await coldProtectedRoute();
    // what the pool hands the app at sign-in beside the access token, meant for the app alone
    const idToken = await token({
      aud: APP_CLIENT,
      client_id: undefined,
      token_use: 'id',
      email: 'mallory@example.com',
      'cognito:username': 'mallory',
    });
    const answer = await call(idToken);
    expect(answer.status, 'an ID token was accepted').toBe(401);
    expect(answer.body).toMatchObject({ code: 'invalid_token', detail: expect.stringMatching(/token_use/) });
    // the access token of the same sign-in passes
    expect((await call(await token())).status).toBe(200);
  });

  it('another issuer’s OpenID ID token (typ JWT, aud = the audience, no token_use) is refused: 401', async () => {
    const issuer = 'https://login.example.com';
    const call = await coldProtectedRoute(issuer);
    const idToken = await token(
      { iss: issuer, aud: APP_CLIENT, client_id: undefined, token_use: undefined, nonce: 'n-0S6_WzA2Mj' },
      { typ: 'JWT' },
    );
    const answer = await call(idToken);
    expect(answer.status, 'an ID token was accepted').toBe(401);
    expect(answer.body).toMatchObject({
      code: 'invalid_token',
      detail: expect.stringMatching(/access token/),
    });
    // an access token by RFC 9068 passes
    const accessToken = await token(
      { iss: issuer, aud: APP_CLIENT, token_use: undefined },
      { typ: 'at+jwt' },
    );
    expect((await call(accessToken)).status).toBe(200);
  });
});

describe('clocks that disagree', () => {
  it('a token from an issuer whose clock runs 20 s ahead is taken: 200', async () => {
    const call = await coldProtectedRoute();
    const answer = await call(await token({ iat: seconds() + 20, nbf: seconds() + 20 }));
    expect(answer.status, 'a token issued 20 s "in the future" was refused').toBe(200);
    // beyond the tolerance, not
    expect((await call(await token({ iat: seconds() + 60 }))).status).toBe(401);
  });
});

describe('an issuer outage', () => {
  it('costs the issuerKeys function one invocation per 10 s, not one per request, on a cold container', async () => {
    const call = await coldProtectedRoute();
    keysFunction.failing = true;
    keysFunction.invocations = 0;
    const accessToken = await token();
    const statuses = new Set<number>();
    for (let request = 0; request < 50; request++) statuses.add((await call(accessToken)).status);
    // no keys to check with: each a 503 (not the client's fault), from one failed fetch
    expect([...statuses]).toEqual([503]);
    expect(keysFunction.invocations, 'issuerKeys invocations for 50 requests').toBe(1);
  });

  it('is ridden out on the last good keys for an hour past their 10 minutes, then refused: 503', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const call = await coldProtectedRoute();
    expect((await call(await token())).status).toBe(200);

    keysFunction.failing = true;
    keysFunction.invocations = 0;
    // 11 minutes into the outage the keys are past their freshness; a valid token still passes
    vi.setSystemTime(start + 11 * 60_000);
    const during = await call(await token());
    expect(during.status, 'a valid token 11 minutes into an issuer outage').toBe(200);
    for (let request = 0; request < 20; request++) expect((await call(await token())).status).toBe(200);
    expect(keysFunction.invocations).toBe(1);

    // 10 + 60 minutes after they were fetched, the last good keys are given up
    vi.setSystemTime(start + 71 * 60_000);
    expect((await call(await token())).status).toBe(503);
    keysFunction.failing = false;
    vi.setSystemTime(start + 71 * 60_000 + 10_000);
    expect((await call(await token())).status).toBe(200);
  });
});
