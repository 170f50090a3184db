// The verifier's keys when they come from a function (the issuerKeys one): cached, fetched again for
// a kid not seen (at most every 30 s) and once they are 10 minutes old, so that a withdrawn key stops
// being trusted; a failure to get them is a 503, not the client's 401. (bearerToken.int.test.ts
// checks the token rules against an issuer.)
import { exportJWK, generateKeyPair, SignJWT, type JSONWebKeySet } from 'jose';
import { describe, expect, it, vi } from 'vitest';
import { ServiceUnavailableError, UnauthorizedError } from '../errors.ts';
import { bearerTokenVerifier, KEY_MAX_AGE_MS } from './bearerToken.ts';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'api';

async function signingKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return {
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256' },
    token: () =>
      new SignJWT({ sub: 'alice', aud: AUDIENCE })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(ISSUER)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  };
}

describe('keys supplied by a function', () => {
  it('are fetched once, again for a new kid after the cooldown, and again once old', async () => {
    const [first, second] = [await signingKey('k1'), await signingKey('k2')];
    let published: JSONWebKeySet = { keys: [first.jwk] };
    const keySet = vi.fn(async () => published);
    let clock = 1_000_000;
    const verify = bearerTokenVerifier(
      { issuerUrl: ISSUER, audience: AUDIENCE },
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

  it('answers 503 when the keys cannot be had, or are no key set', async () => {
    const { token } = await signingKey('k1');
    for (const keySet of [
      async (): Promise<JSONWebKeySet> => {
        throw new Error('the issuerKeys function failed');
      },
      async () => ({ keys: 'none' }) as unknown as JSONWebKeySet,
    ]) {
      const verify = bearerTokenVerifier({ issuerUrl: ISSUER, audience: AUDIENCE }, { keySet });
      await expect(verify(await token())).rejects.toBeInstanceOf(ServiceUnavailableError);
    }
  });
});
