// Who may call a route, and who is calling. A route is `public`, `authenticated` (any valid bearer
// token) or `administrator` (a token whose admin claim, named in configuration, holds the admin
// value). The Lambda verifies the token itself (bearerToken.ts), in the cloud as locally: API
// Gateway's JWT authorizer would answer its own 401 body, not problem details. With no issuer
// configured the local stack is open (the seeds' curl examples work as written); in the cloud a
// missing issuer closes every protected route. The caller (callers.ts) goes to the route, which
// decides per owner what it may read and change.
import type middy from '@middy/core';
import { ANYONE, isAdministrator, NOBODY, type Caller } from '../callers.ts';
import { runsInTheCloud, settings } from '../config.ts';
import { ForbiddenError, ServiceUnavailableError, UnauthorizedError } from '../errors.ts';
import { logger } from '../logger.ts';
import { fetchIssuerKeys } from './issuerKeySet.ts';
import { bearerTokenVerifier, type BearerTokenVerifier } from './bearerToken.ts';
import type { HttpEvent, HttpResult, RouteContext } from './middlewares.ts';

export type RouteAccess = 'public' | 'authenticated' | 'administrator';

export interface AuthenticationMode {
  /** how to check a token; none: signing in is off */
  verify?: BearerTokenVerifier;
  /** a protected route without a verifier refuses rather than opens (the cloud) */
  closedWithoutIssuer: boolean;
  admin: { claim: string; value: string };
}

let modeOfThisProcess: AuthenticationMode | undefined;

/** This process's mode, from the checked config: made once, so the issuer's keys are cached once. */
export function authenticationModeOfThisProcess(): AuthenticationMode {
  modeOfThisProcess ??= {
    ...(settings.AUTH_ISSUER_URL && {
      verify: bearerTokenVerifier(
        { issuerUrl: settings.AUTH_ISSUER_URL, audiences: settings.AUTH_AUDIENCE },
        settings.AUTH_KEYS_FROM === 'function' ? { keySet: fetchIssuerKeys } : {},
      ),
    }),
    closedWithoutIssuer: runsInTheCloud(process.env),
    admin: { claim: settings.AUTH_ADMIN_CLAIM, value: settings.AUTH_ADMIN_VALUE },
  };
  return modeOfThisProcess;
}

export function authentication(
  access: RouteAccess,
  mode: AuthenticationMode,
): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext> {
  return {
    before: async ({ event, context }) => {
      const signingInOn = Boolean(mode.verify) || mode.closedWithoutIssuer;
      // a public route looks at no token: its caller is nobody in particular where signing in is on
      context.caller = signingInOn ? NOBODY : ANYONE;
      if (access === 'public') return;
      if (!mode.verify) {
        if (!mode.closedWithoutIssuer) return;
        logger.error(
          'no token issuer is configured (the jwtIssuerUrl parameter): protected routes are closed',
        );
        throw new ServiceUnavailableError('signing in is not configured', 60);
      }
      const claims = await mode.verify(event.headers?.authorization);
      // API Gateway's authorizer does not require a subject; ownership does
      const subject = typeof claims.sub === 'string' && claims.sub !== '' ? claims.sub : undefined;
      if (!subject) throw new UnauthorizedError('invalid_token', 'the token names no subject (sub)');
      const caller: Caller = {
        signedIn: true,
        subject,
        administrator: isAdministrator(claims, mode.admin.claim, mode.admin.value),
      };
      logger.appendKeys({ subject, ...(caller.administrator && { administrator: true }) });
      if (access === 'administrator' && !caller.administrator) {
        throw new ForbiddenError('only an administrator may do this');
      }
      context.caller = caller;
    },
  };
}
