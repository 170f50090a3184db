// Runs one command: its writes, its events and its idempotency record in a single transaction.
import type { PendingEvent } from '../../../events/contracts.ts';
import { settings } from '../config.ts';
import { appendEvents } from '../eventLog/appendEvents.ts';
import { EVENT_POSITION_HEADER, type HttpResponse } from '../http/httpResponse.ts';
import { inTransaction, type Sql } from '../postgres.ts';
import { wakeRelay } from '../../relay/wakeRelay.ts';
import { claimIdempotencyKey, storeIdempotentResponse, type IdempotencyClaim } from './idempotency.ts';

/** What `transact` returns: the answer for the client and the events to append. */
export interface CommandOutcome {
  statusCode: number;
  body?: unknown;
  events: PendingEvent[];
}

export interface CommandContext {
  correlationId: string;
  idempotency?: IdempotencyClaim;
  now?: () => Date;
}

export async function runCommand(
  context: CommandContext,
  transact: (sql: Sql, now: Date) => Promise<CommandOutcome>,
): Promise<HttpResponse> {
  const now = (context.now ?? (() => new Date()))();
  const response = await inTransaction(async (sql) => {
    if (context.idempotency) {
      const replayed = await claimIdempotencyKey(sql, context.idempotency);
      if (replayed) return replayed;
    }
    const outcome = await transact(sql, now);
    const appended = await appendEvents(sql, outcome.events, {
      correlationId: context.correlationId,
      occurredAt: now,
      notify: settings.RELAY_WAKE === 'notify',
    });
    const lastPosition = appended.at(-1)?.position;
    const answer: HttpResponse = {
      statusCode: outcome.statusCode,
      body: outcome.body,
      headers: lastPosition === undefined ? {} : { [EVENT_POSITION_HEADER]: String(lastPosition) },
    };
    if (context.idempotency) await storeIdempotentResponse(sql, context.idempotency, answer);
    return answer;
  });
  if (settings.RELAY_WAKE === 'invoke' && response.headers?.[EVENT_POSITION_HEADER]) await wakeRelay();
  return response;
}
