// An HTTP command: the shared middy stack, then one transaction with idempotency and events.
import { z } from 'zod';
import { BadRequestError } from '../errors.ts';
import { httpRoute, type RouteRequest, type RouteSpec } from '../http/httpRoute.ts';
import type { Sql } from '../postgres.ts';
import { requestFingerprint } from './idempotency.ts';
import { runCommand, type CommandOutcome } from './runCommand.ts';

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/);

export interface CommandSpec<B, P> extends RouteSpec<B, P, undefined> {
  /** the route, e.g. `POST /todos`: an Idempotency-Key is scoped to it */
  route: string;
}

export function commandRoute<B = undefined, P = undefined>(
  spec: CommandSpec<B, P>,
  decide: (request: RouteRequest<B, P, undefined>, sql: Sql, now: Date) => Promise<CommandOutcome>,
) {
  return httpRoute(spec, async (request) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && !idempotencyKey.safeParse(key).success) {
      throw new BadRequestError(
        'validation_failed',
        'Idempotency-Key: must be 1 to 255 visible ASCII characters',
        'Idempotency-Key',
      );
    }
    return runCommand(
      {
        correlationId: request.correlationId,
        ...(key === undefined
          ? {}
          : {
              idempotency: {
                scope: spec.route,
                key,
                requestHash: requestFingerprint(spec.route, request.params, request.body),
              },
            }),
      },
      (sql, now) => decide(request, sql, now),
    );
  });
}
