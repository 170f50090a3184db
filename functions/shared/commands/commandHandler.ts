// An HTTP command: the shared middy stack, then one transaction with idempotency and events.
import { z } from 'zod';
import type { Caller } from '../callers.ts';
import { BadRequestError } from '../errors.ts';
import { httpHandler, type RouteRequest } from '../http/httpHandler.ts';
import { routeKey, type CommandContract } from '../http/routeContract.ts';
import type { Sql } from '../postgres.ts';
import { requestFingerprint } from './idempotency.ts';
import { runCommand, type CommandOutcome } from './runCommand.ts';

const idempotencyKey = z.string().regex(/^[\x21-\x7e]{1,255}$/);

/**
 * Where an Idempotency-Key is unique: its route, and the signed-in subject, so that another caller's
 * request with the same key neither replays the first answer nor learns the key is taken.
 */
export const idempotencyScope = (route: string, caller: Caller) =>
  caller.signedIn ? `${route} as ${caller.subject}` : route;

/**
 * The Lambda handler of a command route: `transact` does the command's work inside its transaction
 * (reads and writes its rows, returns the answer and the events), which runCommand commits with them.
 */
export function commandHandler<B = undefined, P = undefined>(
  contract: CommandContract<B, P>,
  transact: (request: RouteRequest<B, P, undefined>, sql: Sql, now: Date) => Promise<CommandOutcome>,
) {
  const route = routeKey(contract);
  return httpHandler(contract, async (request) => {
    const key = request.headers['idempotency-key'];
    if (key !== undefined && !idempotencyKey.safeParse(key).success) {
      throw new BadRequestError(
        'validation_failed',
        'Idempotency-Key: must be 1 to 255 visible ASCII characters',
        'Idempotency-Key',
      );
    }
    const scope = idempotencyScope(route, request.caller);
    return runCommand(
      {
        correlationId: request.correlationId,
        ...(key === undefined
          ? {}
          : {
              idempotency: {
                scope,
                key,
                requestHash: requestFingerprint(scope, request.params, request.body),
              },
            }),
      },
      (sql, now) => transact(request, sql, now),
    );
  });
}
