// The relay Lambda: run by a schedule, woken after commands (NOTIFY locally, async invoke in the cloud).
// Each run publishes what is ready, then looks for gaps in the projectors' streams and fills them from
// the event log (healGaps.ts). It also serves two operator commands, as the one function that reaches
// the broker wherever the operator runs the CLI: `npm run dlq -- redrive` (parked events back to
// their projector's queue) and `npm run heal` (re-publish what a projector is missing, now).
import { isProjectionName, projectionNames, type ProjectionName } from '../projectors/catalog.ts';
import { streamNamed } from '../projectors/streams.ts';
import { jobBrokerUrl, settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { emitMetrics, metricNames, MetricUnit } from '../shared/metrics.ts';
import { traced } from '../shared/tracer.ts';
import { postgresPool } from '../shared/postgres.ts';
import { readCheckpoint } from '../shared/queries/projectionProgress.ts';
import { rabbitPublisher } from './eventPublisher.ts';
import { healGaps, newHealMemory, type HealedRange } from './healGaps.ts';
import { readRelayProgress } from './eventLog.ts';
import type { ProjectorLag } from './projectorLag.ts';
import { relayEvents, type OnPublished, type RelayResult } from './relayEvents.ts';
import { writeStreamHead } from './streamHead.ts';

/** What `npm run dlq -- redrive` sends: the event bodies one stream (a projector's partition) parked. */
export interface RedriveRequest {
  redrive: { stream: string; events: unknown[] };
}

/** What `npm run heal` sends: the projectors whose missing events to re-publish now (all if none). */
export interface HealRequest {
  heal: { projectors?: ProjectionName[] };
}

/** how often a run looks for gaps: each look reads the checkpoints and the queue depths */
const HEAL_CHECK_INTERVAL_MS = 1_000;

// as the relay's broker user, which may publish to the project's exchanges and nothing else
const publisher = rabbitPublisher(jobBrokerUrl('relay'), settings.EVENTS_EXCHANGE);
const healMemory = newHealMemory();
let lastHealCheck = 0;
/** the stream head could not be copied to DynamoDB last time: try again even if nothing is new */
let headOutdated = true;

async function requeueForRedrive({ stream, events }: RedriveRequest['redrive']) {
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

const emitBatch: OnPublished = ({ size, publishMs }) =>
  emitMetrics(
    {},
    {
      [metricNames.relayBatchSize]: [MetricUnit.Count, size],
      [metricNames.relayPublishLatency]: [MetricUnit.Milliseconds, Math.round(publishMs)],
    },
  );

// at every look, caught up or not: a projector's lag alarm treats a minute without a value as a
// problem (the relay has stopped looking), so zeros are news too
// per stream: a projection's partition, as its own lag alarm sees it
const emitLag = ({ stream, eventsBehind, secondsBehind, heldEvents }: ProjectorLag) =>
  emitMetrics(
    { projector: stream },
    {
      [metricNames.eventsBehind]: [MetricUnit.Count, eventsBehind],
      [metricNames.secondsBehind]: [MetricUnit.Seconds, Math.round(secondsBehind)],
      [metricNames.heldEvents]: [MetricUnit.Count, heldEvents],
    },
  );

const heal = async (force: boolean, projections: readonly ProjectionName[] = projectionNames) =>
  healGaps(
    {
      pool: await postgresPool('relay'),
      publisher,
      readCheckpoint,
      memory: healMemory,
      log: (message, details) => logger.info(message, details),
      observeLag: emitLag,
    },
    { healAfterMs: settings.HEAL_GAPS_AFTER_MS, limit: settings.HEAL_GAPS_LIMIT, force },
    projections,
  );

async function healOnDemand({ projectors }: HealRequest['heal']) {
  if (projectors !== undefined && !(Array.isArray(projectors) && projectors.every(isProjectionName))) {
    throw new Error(`heal: projectors must be some of ${projectionNames.join(', ')}`);
  }
  return { healed: await heal(true, projectors) };
}

async function run(
  input?: Partial<RedriveRequest & HealRequest>,
): Promise<(RelayResult & { healed: HealedRange[] }) | { requeued: number } | { healed: HealedRange[] }> {
  if (input?.redrive) return requeueForRedrive(input.redrive);
  if (input?.heal) return healOnDemand(input.heal);
  const result = await relayEvents(
    await postgresPool('relay'),
    publisher,
    settings.RELAY_BATCH_SIZE,
    emitBatch,
  );
  if (result.published > 0) logger.info('relayed events', { ...result });
  if (result.published > 0 || headOutdated) {
    try {
      await writeStreamHead(await readRelayProgress(await postgresPool('relay')));
      headOutdated = false;
    } catch (error) {
      headOutdated = true;
      logger.warn('could not record the stream head; sync-status lags until the next run', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  let healed: HealedRange[] = [];
  if (Date.now() - lastHealCheck >= HEAL_CHECK_INTERVAL_MS) {
    lastHealCheck = Date.now();
    // a failed look costs a heal its delay, never the relay its run
    healed = await heal(false).catch((error: unknown) => {
      logger.warn('could not look for gaps in the streams', {
        reason: error instanceof Error ? error.message : String(error),
      });
      return [];
    });
  }
  return { ...result, healed };
}

export const handler = traced(run);
