// The relay Lambda: run by a schedule, woken after commands (NOTIFY locally, async invoke in the cloud).
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { postgresPool } from '../shared/postgres.ts';
import { rabbitPublisher } from './eventPublisher.ts';
import { readRelayProgress, relayEvents, type RelayResult } from './relayEvents.ts';
import { writeStreamHead } from './streamHead.ts';

const publisher = rabbitPublisher(settings.RABBITMQ_URL, settings.EVENTS_EXCHANGE);
/** the stream head could not be copied to DynamoDB last time: try again even if nothing is new */
let headOutdated = true;

export const handler = async (): Promise<RelayResult> => {
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
