// The relay Lambda: run by a schedule, woken after commands (NOTIFY locally, async invoke in the cloud).
// It also sends parked events back to their projector's queue for `npm run dlq -- redrive`: it is the
// one function that reaches the broker, wherever the operator runs the CLI.
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { postgresPool } from '../shared/postgres.ts';
import { rabbitPublisher } from './eventPublisher.ts';
import { readRelayProgress, relayEvents, type RelayResult } from './relayEvents.ts';
import { writeStreamHead } from './streamHead.ts';
import projectorEventSources from '../../infra/aws/projectorEventSources.json' with { type: 'json' };
import { projectorNames, type ProjectorName } from '../../infra/rabbitmq/topology.ts';

/** What `npm run dlq -- redrive` sends: one projector's parked event bodies. */
export interface RedriveRequest {
  redrive: { projector: ProjectorName; events: unknown[] };
}

async function requeueForRedrive({ projector, events }: RedriveRequest['redrive']) {
  if (!projectorNames.includes(projector) || !Array.isArray(events)) {
    throw new Error('redrive: needs a projector name and an array of events');
  }
  await publisher.requeueForRedrive(projectorEventSources[projector].queue, events);
  logger.info('requeued parked events for redrive', { projector, count: events.length });
  return { requeued: events.length };
}

const publisher = rabbitPublisher(settings.RABBITMQ_URL, settings.EVENTS_EXCHANGE);
/** the stream head could not be copied to DynamoDB last time: try again even if nothing is new */
let headOutdated = true;

export const handler = async (
  input?: Partial<RedriveRequest>,
): Promise<RelayResult | { requeued: number }> => {
  if (input?.redrive) return requeueForRedrive(input.redrive);
  const result = await relayEvents(postgresPool(), publisher, settings.RELAY_BATCH_SIZE);
  if (result.published > 0) logger.info('relayed events', { ...result });
  if (result.published > 0 || headOutdated) {
    try {
      await writeStreamHead(await readRelayProgress(postgresPool()));
      headOutdated = false;
    } catch (error) {
      headOutdated = true;
      logger.warn('could not record the stream head; sync-status lags until the next run', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return result;
};
