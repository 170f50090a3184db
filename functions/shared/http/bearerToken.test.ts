// The verifier with keys supplied by a function (the issuerKeys one), on a clock of its own: which
// tokens are access tokens for this API (Cognito's and another issuer's), the 30 s of clock
// tolerance, and how the keys are kept: fetched again for a kid not seen (at most every 30 s) and
// once 10 minutes old; through an issuer outage the last good ones for an hour more, with a failed
// fetch remembered for 10 s; a failure with no keys to fall back on is a 503, not the client's 401.
// (bearerToken.int.test.ts checks the token rules against an issuer over HTTP.)
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet, type JWTPayload } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { ServiceUnavailableError, UnauthorizedError } from '../errors.ts';
import { logger } from '../logger.ts';
import {
  bearerTokenVerifier,
  CLOCK_TOLERANCE_SECONDS,
  isCognitoUserPool,
  KEY_MAX_AGE_MS,
} from './bearerToken.ts';
import { KEY_FETCH_RETRY_MS, KEY_OUTAGE_GRACE_MS } from './keptKeySet.ts';

vi.spyOn(logger, 'warn').mockImplementation(() => undefined);

const ISSUER = 'https://issuer.test';
const COGNITO = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf123';
const AUDIENCE = 'api';

async function signingKey(kid: string, clock: () => number = () => Date.now()) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return {
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256' },
    /** an access token by RFC 9068 unless `claims` or `typ` say otherwise */
    token: (claims: JWTPayload = {}, { issuer = ISSUER, typ = 'at+jwt' } = {}) => {
      const now = Math.floor(clock() / 1000);
      return new SignJWT({ sub: 'alice', aud: AUDIENCE, iss: issuer, iat: now, exp: now + 3600, ...claims })
        .setProtectedHeader({ alg: 'RS256', kid, ...(typ ? { typ } : {}) })
        .sign(privateKey);
    },
  };
}

async function reason(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return (error as Error).message;
}

describe('an access token', () => {
  it('from a Cognito user pool: token_use access, client_id one of the app clients', async () => {
    const key = await signingKey('k1');
    const verify = bearerTokenVerifier(
      { issuerUrl: COGNITO, audiences: ['web-client', 'mobile-client'] },
      { keySet: async () => ({ keys: [key.jwk] }) },
    );
    // as Cognito issues them: no aud, no typ
    const access = (claims: JWTPayload) =>
      key.token({ aud: undefined, token_use: 'access', ...claims }, { issuer: COGNITO, typ: '' });
    expect((await verify(await access({ client_id: 'web-client' }))).sub).toBe('alice');
    expect((await verify(await access({ client_id: 'mobile-client' }))).sub).toBe('alice');
    expect(await reason(verify(await access({ client_id: 'another-client' })))).toMatch(/client_id/);
    // an ID token names its client in aud, which the authorizer's rule took for an audience
    const idToken = await key.token(
      { aud: 'web-client', token_use: 'id', email: 'alice@example.com' },
      { issuer: COGNITO, typ: '' },
    );
    expect(await reason(verify(idToken))).toMatch(/not an access token \(token_use\)/);
    expect(await reason(verify(await access({ token_use: undefined, client_id: 'web-client' })))).toMatch(
      /token_use/,
    );
  });

  it('from another issuer: typ at+jwt or token_use access, and aud one of the audiences', async () => {
    const key = await signingKey('k1');
    const verify = bearerTokenVerifier(
      { issuerUrl: ISSUER, audiences: ['api', 'api-v2'] },
      { keySet: async () => ({ keys: [key.jwk] }) },
    );
    expect((await verify(await key.token())).sub).toBe('alice');
    expect((await verify(await key.token({ aud: 'api-v2' }))).sub).toBe('alice');
    expect((await verify(await key.token({ token_use: 'access' }, { typ: 'JWT' }))).sub).toBe('alice');
    expect((await verify(await key.token({}, { typ: 'application/AT+JWT' }))).sub).toBe('alice');
    expect(await reason(verify(await key.token({}, { typ: 'JWT' })))).toMatch(/not an access token/);
    expect(await reason(verify(await key.token({ token_use: 'id' })))).toMatch(/token_use/);
    expect(await reason(verify(await key.token({ aud: 'another-api' })))).toMatch(/audience/);
  });

  it('knows a Cognito user pool by its issuer URL', () => {
    expect(isCognitoUserPool(COGNITO)).toBe(true);
    expect(isCognitoUserPool('https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Xy1')).toBe(true);
    for (const other of [ISSUER, `${COGNITO}/`, 'http://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_A1'])
      expect(isCognitoUserPool(other)).toBe(false);
  });
});

describe('the clocks', () => {
  it('may disagree by 30 s, and no more', async () => {
    const clock = 1_800_000_000_000;
    const key = await signingKey('k1', () => clock);
    const verify = bearerTokenVerifier(
      { issuerUrl: ISSUER, audiences: [AUDIENCE] },
      { keySet: async () => ({ keys: [key.jwk] }), now: () => clock },
    );
    const seconds = clock / 1000;
    const within = CLOCK_TOLERANCE_SECONDS - 10;
    // an issuer 20 s ahead: its token is not valid yet, and issued in the future, by our clock
    expect((await verify(await key.token({ iat: seconds + within, nbf: seconds + within }))).sub).toBe(
      'alice',
    );
    // an issuer 20 s behind: its token expired by our clock 20 s ago
    expect((await verify(await key.token({ exp: seconds - within }))).sub).toBe('alice');
    const beyond = CLOCK_TOLERANCE_SECONDS + 10;
    expect(await reason(verify(await key.token({ nbf: seconds + beyond })))).toMatch(/not valid yet/);
    expect(await reason(verify(await key.token({ iat: seconds + beyond })))).toMatch(/future/);
    expect(await reason(verify(await key.token({ exp: seconds - beyond })))).toMatch(/expired/);
  });
});

describe('keys supplied by a function', () => {
  it('are fetched once, again for a new kid after the cooldown, and again once old', async () => {
    let clock = 1_000_000;
    const [first, second] = [await signingKey('k1', () => clock), await signingKey('k2', () => clock)];
    let published: JSONWebKeySet = { keys: [first.jwk] };
    const keySet = vi.fn(async () => published);
    const verify = bearerTokenVerifier(
      { issuerUrl: ISSUER, audiences: [AUDIENCE] },
      { keySet, now: () => clock },
    );

    expect((await verify(await first.token())).sub).toBe('alice');
    expect((await verify(await first.token())).sub).toBe('alice');
    expect(keySet).toHaveBeenCalledTimes(1);

    // a new key: within 30 s of the last fetch an unknown kid costs no fetch, after it one
    published = { keys: [first.jwk, second.jwk] };
    await expect(verify(await second.token())).rejects.toBeInstanceOf(UnauthorizedError);
    expect(keySet).toHaveBeenCalledTimes(1);
    clock += 30_001;
    expect((await verify(await second.token())).sub).toBe('alice');
    expect(keySet).toHaveBeenCalledTimes(2);

    // a withdrawn key is trusted until the keys are 10 minutes old, and no longer
    published = { keys: [second.jwk] };
    expect((await verify(await first.token())).sub).toBe('alice');
    clock += KEY_MAX_AGE_MS;
    await expect(verify(await first.token())).rejects.toBeInstanceOf(UnauthorizedError);
    expect(keySet).toHaveBeenCalledTimes(3);
  });

  it('are kept through an outage for an hour past their 10 minutes, asked for again every 10 s', async () => {
    let clock = 1_000_000;
    const key = await signingKey('k1', () => clock);
    let reachable = true;
    const keySet = vi.fn(async (): Promise<JSONWebKeySet> => {
      if (!reachable) throw new Error('the issuerKeys function failed');
      return { keys: [key.jwk] };
    });
    const verify = bearerTokenVerifier(
      { issuerUrl: ISSUER, audiences: [AUDIENCE] },
      { keySet, now: () => clock },
    );
    expect((await verify(await key.token())).sub).toBe('alice');

    reachable = false;
    clock += KEY_MAX_AGE_MS;
    for (let request = 0; request < 20; request++) {
      expect((await verify(await key.token())).sub).toBe('alice');
    }
    // one failed fetch for twenty requests; the next only once 10 s have passed
    expect(keySet).toHaveBeenCalledTimes(2);
    clock += KEY_FETCH_RETRY_MS;
    expect((await verify(await key.token())).sub).toBe('alice');
    expect(keySet).toHaveBeenCalledTimes(3);

    // an hour past their freshness the last good keys are given up: 503 until the issuer answers
    clock += KEY_OUTAGE_GRACE_MS - KEY_FETCH_RETRY_MS;
    await expect(verify(await key.token())).rejects.toBeInstanceOf(ServiceUnavailableError);
    reachable = true;
    clock += KEY_FETCH_RETRY_MS;
    expect((await verify(await key.token())).sub).toBe('alice');
  });

  it('count their age from when the issuerKeys function fetched them, not from when it answered', async () => {
    let clock = 10_000_000;
    const key = await signingKey('k1', () => clock);
    // the function's own copy, 59 minutes past its freshness: the issuer is down for it too
    const servedAt = clock - KEY_MAX_AGE_MS - 59 * 60_000;
    const keySet = vi.fn(async () => ({ keys: [key.jwk], fetchedAt: servedAt }));
    const verify = bearerTokenVerifier(
      { issuerUrl: ISSUER, audiences: [AUDIENCE] },
      { keySet, now: () => clock },
    );
    expect((await verify(await key.token())).sub).toBe('alice');
    // not fresh, so asked for again, but no more often than every 10 s
    await verify(await key.token());
    expect(keySet).toHaveBeenCalledTimes(1);
    clock += 60_000;
    await expect(verify(await key.token())).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it('answers 503 when the keys cannot be had, or are no key set, and asks once per 10 s', async () => {
    const { token } = await signingKey('k1');
    for (const keySet of [
      vi.fn(async (): Promise<JSONWebKeySet> => {
        throw new Error('the issuerKeys function failed');
      }),
      vi.fn(async () => ({ keys: 'none' }) as unknown as JSONWebKeySet),
    ]) {
      const verify = bearerTokenVerifier({ issuerUrl: ISSUER, audiences: [AUDIENCE] }, { keySet });
      for (let request = 0; request < 5; request++)
        await expect(verify(await token())).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect(keySet).toHaveBeenCalledTimes(1);
    }
  });
});
