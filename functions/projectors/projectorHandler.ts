// A projector Lambda: an Amazon MQ batch in, the projection's table exactly up to date out. Any
// error fails the whole batch (Amazon MQ has no partial-batch response) and the batch comes again;
// poison events are parked instead, so one bad event cannot stop the stream.
import { readModelTableName } from '../../infra/aws/resourceNames.ts';
import { dynamoDb } from '../shared/aws.ts';
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import type { AmazonMqRabbitEvent } from './amazonMqEvent.ts';
import { applyBatch } from './applyBatch.ts';
import { parkEvents } from './deadLetters.ts';
import { decodeMessages } from './decodeMessages.ts';
import type { Projection } from './projection.ts';

export function projectorHandler<Item extends object>(projection: Projection<Item>) {
  const tableName = readModelTableName(settings.RESOURCE_PREFIX, projection.name);
  return async (batch: AmazonMqRabbitEvent) => {
    const { events, undecodable } = decodeMessages(batch);
    const result = await applyBatch(
      {
        db: dynamoDb(),
        tableName,
        park: (parked) => parkEvents(projection.name, parked),
        now: new Date(),
      },
      projection,
      events,
      undecodable,
    );
    for (const parked of result.parked) {
      logger.warn('parked an event', {
        projector: projection.name,
        position: parked.position,
        error: parked.error,
      });
    }
    const summary = {
      applied: result.applied,
      skipped: result.skipped,
      parked: result.parked.length,
      position: result.checkpoint.position,
    };
    logger.debug('applied a batch', { projector: projection.name, ...summary });
    return summary;
  };
}
