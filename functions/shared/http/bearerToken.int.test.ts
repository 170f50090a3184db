// The local token check against a running issuer (discovery and JWKS over HTTP): each of the HTTP API
// JWT authorizer's rules refuses what it should, and a good token passes.
import { decodeProtectedHeader, generateKeyPair, SignJWT, UnsecuredJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../../../infra/local/testIssuer.ts';
import { ServiceUnavailableError, UnauthorizedError } from '../errors.ts';
import { bearerTokenVerifier, type BearerTokenVerifier } from './bearerToken.ts';

const AUDIENCE = 'cqrs-commerce-test';
let issuer: TestIssuer;
let verify: BearerTokenVerifier;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  issuer = await startTestIssuer({ audience: AUDIENCE });
  verify = bearerTokenVerifier({ issuerUrl: issuer.url, audiences: [AUDIENCE] });
});
afterAll(() => issuer?.stop());

async function refusal(authorization: string | undefined): Promise<UnauthorizedError> {
  const error = await verify(authorization).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(UnauthorizedError);
  return error as UnauthorizedError;
}

/** signed by a key the issuer does not publish */
async function forged(claims: JWTPayload, kid: string, alg = 'RS256'): Promise<string> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return new SignJWT({ iss: issuer.url, aud: AUDIENCE, exp: now() + 60, ...claims })
    .setProtectedHeader({ alg, kid })
    .sign(privateKey);
}

describe('a bearer token', () => {
  it('passes when the issuer signed it for this audience, with or without the Bearer prefix', async () => {
    const token = await issuer.mintToken({ sub: 'alice' });
    expect((await verify(`Bearer ${token}`)).sub).toBe('alice');
    expect((await verify(token)).sub).toBe('alice');
    expect((await verify(`Bearer ${await issuer.mintToken({ aud: ['other', AUDIENCE] })}`)).sub).toBe(
      'developer',
    );
  });

  it('is required', async () => {
    expect((await refusal(undefined)).code).toBe('missing_token');
    expect((await refusal('Bearer ')).code).toBe('missing_token');
  });

  it.each([
    // beyond the 30 s the clocks may disagree by
    ['expired', { exp: now() - 60 }, /expired/],
    ['not valid yet', { nbf: now() + 300 }, /not valid yet/],
    ['issued in the future', { iat: now() + 300 }, /future/],
    ['from another issuer', { iss: 'https://issuer.example' }, /trusted issuer/],
    ['for another audience', { aud: 'someone-else' }, /audience/],
    ['without exp', { exp: undefined }, /exp/],
    ['an ID token', { token_use: 'id' }, /not an access token/],
  ])('is refused when %s', async (_, claims, reason) => {
    const error = await refusal(`Bearer ${await issuer.mintToken(claims)}`);
    expect(error.code).toBe('invalid_token');
    expect(error.message).toMatch(reason);
    expect(error.responseHeaders['WWW-Authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it('is checked on client_id only when it has no aud, as API Gateway does', async () => {
    expect((await verify(await issuer.mintToken({ aud: undefined, client_id: AUDIENCE }))).sub).toBe(
      'developer',
    );
    await refusal(await issuer.mintToken({ aud: undefined, client_id: 'someone-else' }));
    await refusal(await issuer.mintToken({ aud: 'someone-else', client_id: AUDIENCE }));
  });

  it('is refused when not signed by the issuer', async () => {
    const issuersKid = decodeProtectedHeader(await issuer.mintToken()).kid!;
    expect((await refusal(await forged({}, issuersKid))).message).toMatch(/signature/);
    expect((await refusal(await forged({}, 'unknown-kid'))).message).toMatch(/kid/);
    expect((await refusal(await forged({}, issuersKid, 'ES256'))).message).toMatch(/RSA/);
    const unsigned = new UnsecuredJWT({ iss: issuer.url, aud: AUDIENCE, exp: now() + 60 }).encode();
    await refusal(unsigned);
    await refusal('not.a.token');
    await refusal('Bearer garbage');
  });

  it('needs a kid', async () => {
    const token = await issuer.mintToken();
    const [header, payload, signature] = token.split('.');
    const withoutKid = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), kid: undefined }),
    ).toString('base64url');
    expect((await refusal(`${withoutKid}.${payload}.${signature}`)).message).toMatch(/kid/);
  });

  it('cannot be checked while the issuer is unreachable: 503, not the client’s fault', async () => {
    const unreachable = bearerTokenVerifier({ issuerUrl: 'http://127.0.0.1:9', audiences: [AUDIENCE] });
    await expect(unreachable(await issuer.mintToken())).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});
