// A projector Lambda: an Amazon MQ batch in, the projection's table exactly up to date out. Any
// error fails the whole batch (Amazon MQ has no partial-batch response) and the batch comes again;
// poison events are parked instead, so one bad event cannot stop the stream. Its queue is the only
// way into its table (redrives included), so the projector is the table's one writer.
import { dynamoDb } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import type { AmazonMqRabbitEvent } from './amazonMqEvent.ts';
import { applyBatch, type ParkedEvent } from './applyBatch.ts';
import { parkEvents } from './deadLetters.ts';
import { decodeMessages } from './decodeMessages.ts';
import type { Projection } from './projection.ts';
import { redriveEvents } from './redriveEvents.ts';
import { readRoute } from './tableRoutes.ts';

export function projectorHandler<Item extends object>(projection: Projection<Item>) {
  const park = async (parked: readonly ParkedEvent[]) => {
    for (const event of parked) {
      logger.warn('parked an event', {
        projector: projection.name,
        position: event.position,
        error: event.error,
      });
    }
    await parkEvents(projection.name, parked);
  };

  return async (batch: AmazonMqRabbitEvent) => {
    // read per batch: a rebuild may switch the table between two batches
    const route = await readRoute(projection.name);
    if (route.state === 'switching') {
      throw new Error(`${projection.name} is switching to a rebuilt table; the batch will come again`);
    }
    const dependencies = { db: dynamoDb(), tableName: route.table, park, now: new Date() };
    const { events, undecodable, redrives } = decodeMessages(batch);
    const result = await applyBatch(dependencies, projection, events, undecodable);
    const summary = {
      applied: result.applied,
      skipped: result.skipped,
      parked: result.parked.length,
      position: result.checkpoint.position,
    };
    logger.debug('applied a batch', { projector: projection.name, ...summary });
    if (redrives.events.length === 0 && redrives.undecodable.length === 0) return summary;

    const redrive = await redriveEvents(dependencies, projection, redrives.events, redrives.undecodable);
    const redriveSummary = {
      redriven: redrive.redriven,
      alreadyApplied: redrive.alreadyApplied,
      parkedAgain: redrive.parked.length,
    };
    logger.info('redrove parked events', { projector: projection.name, ...redriveSummary });
    return { ...summary, ...redriveSummary };
  };
}
