// Verifies a bearer token with the checks of an HTTP API JWT authorizer, in the Lambda itself, in the
// cloud as locally (so that a refusal is a problem details like every other error, which API
// Gateway's own 401 is not): the issuer's signing keys come from its OpenID discovery document; the
// token needs a `kid` naming one of them and an RSA signature; `iss` must equal the issuer; `aud` (or
// `client_id` when there is no `aud`) must name the audience; `exp` must be to come, `nbf` and `iat`
// past. A function that cannot reach the issuer (one inside the VPC, which has no route out) gets the
// keys from elsewhere instead (`keySet`: the issuerKeys function).
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTPayload,
} from 'jose';
import { ServiceUnavailableError, UnauthorizedError } from '../errors.ts';

/** the algorithms API Gateway accepts: RSA signatures only */
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

export interface TokenIssuer {
  /** exactly as in the tokens' `iss` (and the authorizer's issuerUrl) */
  issuerUrl: string;
  audience: string;
}

export type BearerTokenVerifier = (authorization: string | undefined) => Promise<JWTPayload>;

/** Where the issuer publishes its signing keys, from its OpenID discovery document. */
export async function discoverJwksUri(issuerUrl: string): Promise<URL> {
  const discoveryUrl = `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${discoveryUrl} answered ${response.status}`);
  const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
  if (typeof jwksUri !== 'string') throw new Error(`${discoveryUrl} names no jwks_uri`);
  return new URL(jwksUri);
}

const invalid = (description: string) => new UnauthorizedError('invalid_token', description);

function describeFailure(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the token has expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'the token was not issued by the trusted issuer';
    if (error.claim === 'nbf') return 'the token is not valid yet';
    return `the token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's kid names none of the issuer's keys";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with RSA';
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  return 'the token cannot be read';
}

type SigningKey = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => ReturnType<ReturnType<typeof createLocalJWKSet>>;

/** The issuer's keys from its own JWKS endpoint: fetched on first use, cached, fetched again for a kid not seen. */
function remoteSigningKey(issuerUrl: string): SigningKey {
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  return async (header, token) => {
    keys ??= createRemoteJWKSet(await discoverJwksUri(issuerUrl));
    return keys(header, token);
  };
}

/** Do not ask for the keys again within this time for an unknown kid: a forged kid must not cost a fetch each. */
const KEY_REFRESH_COOLDOWN_MS = 30_000;

/** The issuer's keys from `keySet`: fetched on first use, and again (at most every 30 s) for a kid not seen. */
function suppliedSigningKey(keySet: () => Promise<JSONWebKeySet>): SigningKey {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = 0;
  const refresh = async () => {
    keys = createLocalJWKSet(await keySet());
    fetchedAt = Date.now();
    return keys;
  };
  return async (header, token) => {
    const current = keys ?? (await refresh());
    try {
      return await current(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || Date.now() - fetchedAt < KEY_REFRESH_COOLDOWN_MS)
        throw error;
      return (await refresh())(header, token);
    }
  };
}

export function bearerTokenVerifier(
  issuer: TokenIssuer,
  options: { keySet?: () => Promise<JSONWebKeySet> } = {},
): BearerTokenVerifier {
  const keyOf = options.keySet ? suppliedSigningKey(options.keySet) : remoteSigningKey(issuer.issuerUrl);
  const signingKey: SigningKey = async (header, token) => {
    if (!header.kid) throw invalid('the token has no kid');
    return keyOf(header, token);
  };

  return async (authorization) => {
    const token = authorization?.replace(/^Bearer /, '').trim();
    if (!token) throw UnauthorizedError.missingToken();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, signingKey, {
        issuer: issuer.issuerUrl,
        algorithms: RSA_ALGORITHMS,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      // the issuer's keys cannot be had: not the client's fault
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
        throw new ServiceUnavailableError('the token issuer cannot be reached');
      }
      throw invalid(describeFailure(error));
    }
    // API Gateway reads `client_id` only when there is no `aud`
    const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
    if (!audiences.includes(issuer.audience)) throw invalid('the token is not for this audience');
    if (payload.iat !== undefined && payload.iat > Date.now() / 1000) {
      throw invalid('the token was issued in the future');
    }
    return payload;
  };
}
