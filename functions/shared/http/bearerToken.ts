// Verifies a bearer token with the checks of an HTTP API JWT authorizer, in the Lambda itself, in the
// cloud as locally (so that a refusal is a problem details like every other error, which API
// Gateway's own 401 is not): the issuer's signing keys come from its OpenID discovery document; the
// token needs a `kid` naming one of them and an RSA signature; `iss` must equal the issuer; `aud` (or
// `client_id` when there is no `aud`) must name the audience; `exp` must be to come, `nbf` and `iat`
// past. In a deployed stage every function gets the keys from the issuerKeys function instead
// (`keySet`), because those inside the VPC have no route to the issuer (docs/decisions.md).
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

/** What jose throws for a token that is wrong, as opposed to keys it could not get (a 503). */
const TOKEN_FAULTS = [
  errors.JWTClaimValidationFailed,
  errors.JWTExpired,
  errors.JWTInvalid,
  errors.JWSInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
];

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

/** Do not ask for the keys again within this time for an unknown kid: a forged kid costs a fetch at most this often. */
const KEY_REFRESH_COOLDOWN_MS = 30_000;
/** Keys older than this are fetched again, so that one the issuer withdrew stops being trusted (jose's default too). */
export const KEY_MAX_AGE_MS = 600_000;

/**
 * The issuer's keys from `keySet`: fetched on first use, again once they are 10 minutes old, and
 * again (at most every 30 s) for a kid not seen.
 */
function suppliedSigningKey(keySet: () => Promise<JSONWebKeySet>, now: () => number = Date.now): SigningKey {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined;
  let fetchedAt = 0;
  const refresh = async () => {
    keys = createLocalJWKSet(await keySet());
    fetchedAt = now();
    return keys;
  };
  return async (header, token) => {
    const current = keys && now() - fetchedAt < KEY_MAX_AGE_MS ? keys : await refresh();
    try {
      return await current(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now() - fetchedAt < KEY_REFRESH_COOLDOWN_MS)
        throw error;
      return (await refresh())(header, token);
    }
  };
}

export function bearerTokenVerifier(
  issuer: TokenIssuer,
  /** `now`: the clock of the supplied keys' cache (tests) */
  options: { keySet?: () => Promise<JSONWebKeySet>; now?: () => number } = {},
): BearerTokenVerifier {
  const keyOf = options.keySet
    ? suppliedSigningKey(options.keySet, options.now)
    : remoteSigningKey(issuer.issuerUrl);
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
      // anything but the token's own fault (the issuer unreachable, its keys unreadable) is not the client's
      if (!TOKEN_FAULTS.some((fault) => error instanceof fault)) {
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
