// Applies a batch of events to one projection exactly once, whatever was applied before a crash or a
// redelivery. Each item carries the position of the last event applied to it, and the checkpoint is
// written last: an event at or below the checkpoint is done; above it, an item whose position has
// reached the event already has it. Updates to one item within the batch are coalesced into one write.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../events/contracts.ts';
import {
  CHECKPOINT_KEY,
  PoisonEventError,
  keyString,
  type Checkpoint,
  type ItemKey,
  type Projection,
} from './projection.ts';
import { putIfUnchanged, putItems, readItems, type StoredItem } from './readItems.ts';

export interface ParkedEvent {
  /** the message body as received */
  body: string;
  error: string;
  position?: number;
  type?: string;
}

export interface BatchResult {
  applied: number;
  /** already applied before (redelivery, duplicate) */
  skipped: number;
  parked: ParkedEvent[];
  checkpoint: Checkpoint;
}

export interface BatchDependencies {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** sends parked events to the dead-letter queue; must succeed before the checkpoint moves */
  park: (parked: readonly ParkedEvent[]) => Promise<void>;
  now: Date;
}

/** An event that can never apply, as it goes to the dead-letter queue. */
export const parkedEvent = (event: DomainEvent, error: PoisonEventError): ParkedEvent => ({
  body: JSON.stringify(event),
  error: error.message,
  position: event.position,
  type: event.type,
});

const emptyCheckpoint: Checkpoint = {
  position: 0,
  occurredAt: '',
  eventCount: 0,
  parkedCount: 0,
  updatedAt: '',
};

export async function applyBatch<Item extends object>(
  dependencies: BatchDependencies,
  projection: Projection<Item>,
  events: readonly DomainEvent[],
  undecodable: readonly ParkedEvent[] = [],
): Promise<BatchResult> {
  const { db, tableName } = dependencies;
  const ordered = [...events].sort((a, b) => a.position - b.position);
  const keysByEvent = ordered.map((event) => projection.keysOf(event));
  const stored = await readItems(db, tableName, [CHECKPOINT_KEY, ...keysByEvent.flat()]);
  const previous = stored.get(keyString(CHECKPOINT_KEY)) as (Checkpoint & StoredItem) | undefined;
  const checkpoint: Checkpoint = { ...emptyCheckpoint, ...previous };

  const current = new Map(stored);
  const changed = new Map<string, StoredItem>();
  const parked: ParkedEvent[] = [...undecodable];
  let applied = 0;
  let skipped = 0;

  ordered.forEach((event, index) => {
    if (event.position <= checkpoint.position) {
      skipped++;
      return;
    }
    try {
      // stage every item of the event first, so that a poison event changes none of them
      const staged: [string, ItemKey, StoredItem][] = [];
      for (const key of keysByEvent[index]!) {
        const id = keyString(key);
        const before = current.get(id);
        if (before && before.position >= event.position) continue;
        const after = projection.evolve(before as Item | undefined, event, key);
        staged.push([id, key, { ...after, pk: key.pk, sk: key.sk, position: event.position }]);
      }
      for (const [id, , item] of staged) {
        current.set(id, item);
        changed.set(id, item);
      }
      applied++;
    } catch (error) {
      if (!(error instanceof PoisonEventError)) throw error;
      parked.push(parkedEvent(event, error));
    }
    checkpoint.position = event.position;
    checkpoint.occurredAt = event.occurredAt;
    checkpoint.eventCount++;
  });

  if (parked.length > 0) await dependencies.park(parked);
  checkpoint.parkedCount += parked.length;
  checkpoint.updatedAt = dependencies.now.toISOString();
  await putItems(db, tableName, [...changed.values()]);
  if (applied > 0 || parked.length > 0) {
    await putIfUnchanged(db, tableName, { ...checkpoint, ...CHECKPOINT_KEY }, previous?.position);
  }
  return { applied, skipped, parked, checkpoint };
}
