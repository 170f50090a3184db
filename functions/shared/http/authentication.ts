// Who may call a route. A route is `authenticated` unless it says it is `public`. In the cloud the
// HTTP API's JWT authorizer verifies the bearer token before the Lambda runs; the Lambda still refuses
// a protected route that arrives without the authorizer's claims, so a route that lost its authorizer
// in serverless.yml fails closed. Locally, with AUTH_ISSUER_URL set, the Lambda verifies the token
// itself with the authorizer's checks (bearerToken.ts); without it the local stack is open, so that
// the seeds' curl examples work as written.
import type middy from '@middy/core';
import { runsInTheCloud, settings } from '../config.ts';
import { UnauthorizedError } from '../errors.ts';
import { logger } from '../logger.ts';
import { bearerTokenVerifier, type BearerTokenVerifier } from './bearerToken.ts';
import type { HttpEvent, HttpResult, RouteContext } from './middlewares.ts';

export type RouteAccess = 'public' | 'authenticated';

type Claims = Record<string, unknown>;

/** What API Gateway puts in the event after its JWT authorizer accepted the token. */
function authorizerClaims(event: HttpEvent): Claims | undefined {
  const authorizer = (event.requestContext as { authorizer?: { jwt?: { claims?: Claims } } }).authorizer;
  return authorizer?.jwt?.claims;
}

export interface AuthenticationMode {
  cloud: boolean;
  /** set when the local stack checks tokens itself */
  verify?: BearerTokenVerifier;
}

const localVerifier = settings.AUTH_ISSUER_URL
  ? bearerTokenVerifier({ issuerUrl: settings.AUTH_ISSUER_URL, audience: settings.AUTH_AUDIENCE })
  : undefined;

export const authenticationModeOfThisProcess = (): AuthenticationMode => ({
  cloud: runsInTheCloud(process.env),
  verify: localVerifier,
});

export function authentication(
  access: RouteAccess,
  mode: AuthenticationMode,
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext> {
  return {
    before: async ({ event }) => {
      if (access === 'public') return;
      let claims: Claims | undefined;
      if (mode.cloud) {
        claims = authorizerClaims(event);
        if (!claims) {
          logger.error('a protected route was reached without the JWT authorizer: check serverless.yml');
          throw UnauthorizedError.missingToken();
        }
      } else if (mode.verify) {
        claims = await mode.verify(event.headers?.authorization);
      }
      if (typeof claims?.sub === 'string') logger.appendKeys({ subject: claims.sub });
    },
  };
}
