// Applies events to a projection table as a projector batch would, for tests that feed a projection
// directly: the events numbered in the projection's stream, under the table's lease.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../events/contracts.ts';
import {
  applyBatch,
  type ProjectorBatch,
  type SequencedEvent,
} from '../../functions/projectors/applyBatch.ts';
import type { ParkedEvent } from '../../functions/projectors/parkedEvent.ts';
import type { Projection } from '../../functions/projectors/projection.ts';
import { dynamoProjectionStore } from '../../functions/projectors/dynamoProjectionStore.ts';

/** The events numbered `first`, `first + 1`… in their stream. */
export const numbered = (events: readonly DomainEvent[], first = 1): SequencedEvent[] =>
  events.map((event, index) => ({ sequence: first + index, event }));

const refuseParking = async (parked: readonly ParkedEvent[]) => {
  throw new Error(`nothing should be parked: ${JSON.stringify(parked)}`);
};

export function applyToTable<Item extends object>(
  db: DynamoDBDocumentClient,
  tableName: string,
  projection: Projection<Item>,
  batch: readonly SequencedEvent[] | ProjectorBatch,
  park: (parked: readonly ParkedEvent[]) => Promise<void> = refuseParking,
) {
  return applyBatch(
    dynamoProjectionStore(db, tableName, { deadline: Date.now() + 60_000 }),
    projection,
    Array.isArray(batch) ? { events: batch as SequencedEvent[], undecodable: [] } : (batch as ProjectorBatch),
    { park, now: new Date() },
  );
}
