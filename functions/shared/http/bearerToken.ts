// Verifies a bearer token the way an HTTP API JWT authorizer does, for the local stack with
// authentication on (in the cloud API Gateway does it before the Lambda runs): the issuer's signing
// keys come from its OpenID discovery document; the token needs a `kid` naming one of them and an RSA
// signature; `iss` must equal the issuer; `aud` (or `client_id` when there is no `aud`) must name the
// audience; `exp` must be to come, `nbf` and `iat` past.
import {
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type FlattenedJWSInput,
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

async function discoverJwksUri(issuerUrl: string): Promise<URL> {
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

export function bearerTokenVerifier(issuer: TokenIssuer): BearerTokenVerifier {
  // the keys are fetched on first use, cached, and fetched again for a kid not seen before
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  const signingKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!header.kid) throw invalid('the token has no kid');
    keys ??= createRemoteJWKSet(await discoverJwksUri(issuer.issuerUrl));
    return keys(header, token);
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
