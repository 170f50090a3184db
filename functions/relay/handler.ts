// The relay Lambda: run by a schedule, woken after commands (NOTIFY locally, async invoke in the cloud).
// Each run publishes what is ready, then looks for gaps in the projectors' streams and fills them from
// the event log (healGaps.ts), and now and then purges expired Idempotency-Key records. It runs no
// payload it is sent: every command may invoke it, to wake it, so the operator's re-publishing (redrive,
// heal) is a function of its own, functions/operations/republishEvents.ts.
import { purgeExpiredIdempotencyKeys } from '../shared/commands/idempotency.ts';
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

/** how often a run looks for gaps: each look reads the checkpoints and the queue depths */
const HEAL_CHECK_INTERVAL_MS = 1_000;
/**
 * How often a run purges expired Idempotency-Key records, and how many at most: a minute's keyed
 * commands at 16 a second, in a few milliseconds on the created_at index. A purge that found as many
 * as it may take goes on at the next run (after each command's wake-up, too) instead of a minute later.
 */
const IDEMPOTENCY_PURGE_INTERVAL_MS = 60_000;
const IDEMPOTENCY_PURGE_LIMIT = 1_000;

// as the relay's broker user, which may publish to the project's exchanges and nothing else
const publisher = rabbitPublisher(jobBrokerUrl('relay'), settings.EVENTS_EXCHANGE);
const healMemory = newHealMemory();
let lastHealCheck = 0;
let lastIdempotencyPurge = 0;
/** the stream head could not be copied to DynamoDB last time: try again even if nothing is new */
let headOutdated = true;

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

const heal = async () =>
  healGaps(
    {
      pool: await postgresPool('relay'),
      publisher,
      readCheckpoint,
      memory: healMemory,
      log: (message, details) => logger.info(message, details),
      observeLag: emitLag,
    },
    { healAfterMs: settings.HEAL_GAPS_AFTER_MS, limit: settings.HEAL_GAPS_LIMIT },
  );

/** A failed purge costs disk until the next one, never the relay its run. */
async function purgeIdempotencyKeys(): Promise<void> {
  try {
    const purged = await purgeExpiredIdempotencyKeys(await postgresPool('relay'), IDEMPOTENCY_PURGE_LIMIT);
    // a full purge leaves more behind: the next run goes on with it
    lastIdempotencyPurge = purged < IDEMPOTENCY_PURGE_LIMIT ? Date.now() : 0;
    if (purged > 0) logger.info('purged expired Idempotency-Key records', { purged });
  } catch (error) {
    lastIdempotencyPurge = Date.now();
    logger.warn('could not purge expired Idempotency-Key records', {
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

// the input (a schedule's event, a wake-up's empty one) is not read: see the top of the file
async function run(): Promise<RelayResult & { healed: HealedRange[] }> {
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
    healed = await heal().catch((error: unknown) => {
      logger.warn('could not look for gaps in the streams', {
        reason: error instanceof Error ? error.message : String(error),
      });
      return [];
    });
  }
  if (Date.now() - lastIdempotencyPurge >= IDEMPOTENCY_PURGE_INTERVAL_MS) await purgeIdempotencyKeys();
  return { ...result, healed };
}

export const handler = traced(run);
