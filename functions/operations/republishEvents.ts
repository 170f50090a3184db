// The operator's function: re-publishes events to a projector's stream at an operator's request, as
// the one kind of function besides the relay that reaches the broker wherever the operator runs the
// CLI: `npm run dlq -- redrive` (parked events back to their projector's queue) and `npm run heal`
// (what a projector is missing, from the event log, now; `npm run dev` asks it at start too). A
// function of its own so that no command's role may have it run: the commands may invoke the relay,
// to wake it, and the relay runs no payload it is sent.
import { isProjectionName, projectionNames, type ProjectionName } from '../projectors/catalog.ts';
import { streamNamed } from '../projectors/streams.ts';
import { jobBrokerUrl, settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { postgresPool } from '../shared/postgres.ts';
import { readCheckpoint } from '../shared/queries/projectionProgress.ts';
import { traced } from '../shared/tracer.ts';
import { rabbitPublisher } from '../relay/eventPublisher.ts';
import { healGaps, newHealMemory, type HealedRange } from '../relay/healGaps.ts';

/** What `npm run dlq -- redrive` sends: the event bodies one stream (a projector's partition) parked. */
export interface RedriveRequest {
  redrive: { stream: string; events: unknown[] };
}

/** What `npm run heal` sends: the projectors whose missing events to re-publish now (all if none). */
export interface HealRequest {
  heal: { projectors?: ProjectionName[] };
}

// as the relay's broker user: it publishes to the project's exchanges, as the relay does
const publisher = rabbitPublisher(jobBrokerUrl('relay'), settings.EVENTS_EXCHANGE);

async function redrive({ stream, events }: RedriveRequest['redrive']) {
  const target = typeof stream === 'string' ? streamNamed(stream) : undefined;
  if (!target || !Array.isArray(events)) {
    throw new Error("redrive: needs a stream (a projector partition's queue) and an array of events");
  }
  // back to the partition that parked them: the one whose items they were for
  await publisher.requeueForRedrive(target.name, events);
  logger.info('requeued parked events for redrive', {
    projector: target.projection,
    stream: target.name,
    count: events.length,
  });
  return { requeued: events.length };
}

async function heal({ projectors }: HealRequest['heal']) {
  if (projectors !== undefined && !(Array.isArray(projectors) && projectors.every(isProjectionName))) {
    throw new Error(`heal: projectors must be some of ${projectionNames.join(', ')}`);
  }
  const healed = await healGaps(
    {
      pool: await postgresPool('relay'),
      publisher,
      readCheckpoint,
      // forced: what is missing now, whatever the relay's own memory of waits and earlier heals
      memory: newHealMemory(),
      log: (message, details) => logger.info(message, details),
    },
    { healAfterMs: settings.HEAL_GAPS_AFTER_MS, limit: settings.HEAL_GAPS_LIMIT, force: true },
    projectors,
  );
  return { healed };
}

async function run(input: unknown): Promise<{ requeued: number } | { healed: HealedRange[] }> {
  const request = (input ?? {}) as Partial<RedriveRequest & HealRequest>;
  if (request.redrive) return redrive(request.redrive);
  if (request.heal) return heal(request.heal);
  throw new Error('expected {"redrive": {"stream", "events"}} or {"heal": {"projectors"?}}');
}

export const handler = traced(run);
