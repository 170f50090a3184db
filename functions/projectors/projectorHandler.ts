// A projector Lambda: an Amazon MQ batch in, the projection's table exactly up to date out. Any
// error fails the whole batch (Amazon MQ has no partial-batch response) and the batch comes again;
// poison events are parked instead, so one bad event cannot stop the stream.
import { dynamoDb } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import type { AmazonMqRabbitEvent } from './amazonMqEvent.ts';
import { applyBatch } from './applyBatch.ts';
import { parkEvents } from './deadLetters.ts';
import { decodeMessages } from './decodeMessages.ts';
import type { Projection } from './projection.ts';
import { redriveEvents } from './redriveEvents.ts';
import { readRoute } from './tableRoutes.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';

/** What the dead-letter CLI sends to apply parked events again (see redriveEvents). */
export interface RedriveRequest {
  redrive: unknown[];
}

const isRedrive = (input: AmazonMqRabbitEvent | RedriveRequest): input is RedriveRequest =>
  'redrive' in input;

export function projectorHandler<Item extends object>(projection: Projection<Item>) {
  return async (batch: AmazonMqRabbitEvent | RedriveRequest) => {
    // read per batch: a rebuild may switch the table between two batches
    const route = await readRoute(projection.name);
    if (route.state === 'switching') {
      throw new Error(`${projection.name} is switching to a rebuilt table; the batch will come again`);
    }
    const tableName = route.table;
    if (isRedrive(batch)) {
      // a parked event that still does not parse fails the redrive; it stays parked
      const events = batch.redrive.map((event) => {
        const parsed = parseStoredEvent(event);
        if (!parsed.success) throw parsed.error;
        return parsed.data;
      });
      const result = await redriveEvents({ db: dynamoDb(), tableName }, projection, events);
      logger.info('redrove parked events', { projector: projection.name, ...result });
      return result;
    }
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
