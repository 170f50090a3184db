// Verifies a bearer token in the Lambda itself, in the cloud as locally (so that a refusal is a
// problem details like every other error, which API Gateway's own 401 is not), with the checks of an
// HTTP API JWT authorizer and those it lacks: the token needs a `kid` naming one of the issuer's keys
// and an RSA signature; `iss` must equal the issuer; `exp` must be to come, `nbf` and `iat` past, each
// with 30 s of tolerance for clocks that disagree; and it must be an access token, for one of the
// configured audiences:
// - from a Cognito user pool (its issuer URL says so): `token_use` is `access` and `client_id` one of
//   the configured app clients (an access token has no `aud`; an ID token has `aud` = its client, so
//   the authorizer's "aud, or client_id" rule took ID tokens too);
// - from another issuer: an access token by RFC 9068 (header `typ` `at+jwt`) or by Cognito's claim
//   (`token_use` `access`), and no `token_use` but `access`; `aud` (or `client_id` when there is no
//   `aud`) one of the configured audiences.
// The keys come from the issuer's JWKS, or in a deployed stage from the issuerKeys function (`keySet`),
// because the functions inside the VPC have no route to the issuer (decision 0030); how long they
// are kept, through an outage too: keptKeySet.ts.
import { errors, jwtVerify, type FlattenedJWSInput, type JWSHeaderParameters, type JWTPayload } from 'jose';
import { ServiceUnavailableError, UnauthorizedError } from '../errors.ts';
import { readIssuerKeys } from './issuerKeySet.ts';
import { keptKeySet, type FetchedKeySet } from './keptKeySet.ts';

/** the algorithms API Gateway accepts: RSA signatures only */
const RSA_ALGORITHMS = ['RS256', 'RS384', 'RS512'];

/** How far the issuer's clock and ours may disagree on `exp`, `nbf` and `iat` (seconds). */
export const CLOCK_TOLERANCE_SECONDS = 30;

/** Keys older than this are fetched again, so that one the issuer withdrew stops being trusted (jose's default too). */
export const KEY_MAX_AGE_MS = 600_000;

/** A Cognito user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<pool id> */
const COGNITO_ISSUER = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9-]+_[A-Za-z0-9]+$/;

export const isCognitoUserPool = (issuerUrl: string) => COGNITO_ISSUER.test(issuerUrl);

export interface TokenIssuer {
  /** exactly as in the tokens' `iss` (and the authorizer's issuerUrl) */
  issuerUrl: string;
  /** a Cognito user pool's app client ids (`client_id`); another issuer's audiences (`aud`) */
  audiences: readonly string[];
}

export type BearerTokenVerifier = (authorization: string | undefined) => Promise<JWTPayload>;

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
    if (error.claim === 'iat') return 'the token was issued in the future';
    return `the token's ${error.claim} claim is invalid`;
  }
  if (error instanceof errors.JWKSNoMatchingKey) return "the token's kid names none of the issuer's keys";
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is not signed with RSA';
  if (error instanceof errors.JWSSignatureVerificationFailed) return "the token's signature is invalid";
  return 'the token cannot be read';
}

/** RFC 9068's media type for an access token, `at+jwt` or `application/at+jwt`, any case. */
const isAccessTokenType = (typ: unknown) =>
  typeof typ === 'string' && typ.toLowerCase().replace(/^application\//, '') === 'at+jwt';

/** Why the token is not an access token for this API, if it is not. */
function refusal(
  payload: JWTPayload,
  header: JWSHeaderParameters,
  issuer: TokenIssuer,
  cognito: boolean,
): string | undefined {
  const { token_use: tokenUse } = payload;
  if (cognito) {
    if (tokenUse !== 'access') return 'the token is not an access token (token_use)';
    if (!issuer.audiences.includes(payload.client_id as string))
      return 'the token is not for an app client of this API (client_id)';
    return undefined;
  }
  if (tokenUse !== undefined && tokenUse !== 'access') return 'the token is not an access token (token_use)';
  if (tokenUse === undefined && !isAccessTokenType(header.typ))
    return 'the token is not an access token (neither typ at+jwt nor token_use access)';
  // API Gateway reads `client_id` only when there is no `aud`
  const audiences = payload.aud === undefined ? [payload.client_id] : [payload.aud].flat();
  if (!audiences.some((audience) => issuer.audiences.includes(audience as string)))
    return 'the token is not for this audience';
  return undefined;
}

export function bearerTokenVerifier(
  issuer: TokenIssuer,
  /**
   * `keySet`: where the keys come from instead of the issuer's JWKS (the issuerKeys function);
   * `now`: the clock of the token's times and of the keys' keeping (tests)
   */
  options: { keySet?: () => Promise<FetchedKeySet>; now?: () => number } = {},
): BearerTokenVerifier {
  const now = options.now ?? (() => Date.now());
  const keys = keptKeySet(options.keySet ?? (() => readIssuerKeys(issuer.issuerUrl)), KEY_MAX_AGE_MS, now);
  const cognito = isCognitoUserPool(issuer.issuerUrl);

  const signingKey = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (!header.kid) throw invalid('the token has no kid');
    const held = await keys.current();
    try {
      return await held.verifyingKey(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      // a kid not seen: the issuer may have added a key since
      const again = await keys.refreshed();
      return again.verifyingKey(header, token);
    }
  };

  return async (authorization) => {
    const token = authorization?.replace(/^Bearer /, '').trim();
    if (!token) throw UnauthorizedError.missingToken();
    let payload: JWTPayload;
    let protectedHeader: JWSHeaderParameters;
    try {
      ({ payload, protectedHeader } = await jwtVerify(token, signingKey, {
        issuer: issuer.issuerUrl,
        algorithms: RSA_ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        currentDate: new Date(now()),
      }));
    } catch (error) {
      if (error instanceof UnauthorizedError) throw error;
      // anything but the token's own fault (the issuer unreachable, its keys unreadable) is not the client's
      if (!TOKEN_FAULTS.some((fault) => error instanceof fault)) {
        throw new ServiceUnavailableError('the token issuer cannot be reached');
      }
      throw invalid(describeFailure(error));
    }
    const problem = refusal(payload, protectedHeader, issuer, cognito);
    if (problem) throw invalid(problem);
    if (payload.iat !== undefined && payload.iat > now() / 1000 + CLOCK_TOLERANCE_SECONDS) {
      throw invalid('the token was issued in the future');
    }
    return payload;
  };
}
