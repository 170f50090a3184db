// The relay Lambda: run by a schedule, woken after commands (NOTIFY locally, async invoke in the cloud).
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { postgresPool } from '../shared/postgres.ts';
import { rabbitPublisher } from './eventPublisher.ts';
import { relayEvents, type RelayResult } from './relayEvents.ts';

const publisher = rabbitPublisher(settings.RABBITMQ_URL, settings.EVENTS_EXCHANGE);

export const handler = async (): Promise<RelayResult> => {
  const result = await relayEvents(postgresPool(), publisher, settings.RELAY_BATCH_SIZE);
  if (result.published > 0) logger.info('relayed events', { ...result });
  return result;
};
