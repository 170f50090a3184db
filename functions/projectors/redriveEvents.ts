// Applies parked events again, after a fix. They reach the projector through its own queue, behind
// the events (`npm run dlq -- redrive` asks the relay to put them there), so the table keeps one
// writer. They are older than what the items have seen since, so the position rule would skip them:
// instead each item remembers the positions redriven into it (`redriven`), which makes a repeated
// redrive change nothing twice. The event is applied on top of the item's current state, which is
// exact for the additive views (totals, invoice lines). One that still does not apply is parked again.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../events/contracts.ts';
import { parkedEvent, type ParkedEvent } from './applyBatch.ts';
import {
  CHECKPOINT_KEY,
  PoisonEventError,
  keyString,
  type Checkpoint,
  type ItemKey,
  type Projection,
} from './projection.ts';
import { putIfUnchanged, putItems, readItems, type StoredItem } from './readItems.ts';

type RedrivenItem = StoredItem & { redriven?: number[] };

export interface RedriveResult {
  redriven: number;
  alreadyApplied: number;
  /** still poison: parked again, with the error */
  parked: ParkedEvent[];
}

export async function redriveEvents<Item extends object>(
  dependencies: {
    db: DynamoDBDocumentClient;
    tableName: string;
    park: (parked: readonly ParkedEvent[]) => Promise<void>;
  },
  projection: Projection<Item>,
  events: readonly DomainEvent[],
  /** redriven messages that still do not parse as events */
  undecodable: readonly ParkedEvent[] = [],
): Promise<RedriveResult> {
  const { db, tableName } = dependencies;
  const keysByEvent = events.map((event) => projection.keysOf(event));
  const stored = await readItems(db, tableName, [CHECKPOINT_KEY, ...keysByEvent.flat()]);
  const current = new Map(stored as Map<string, RedrivenItem>);
  const changed = new Map<string, RedrivenItem>();
  const parked: ParkedEvent[] = [...undecodable];
  let redriven = 0;
  let alreadyApplied = 0;
  events.forEach((event, index) => {
    try {
      // stage every item of the event first, so that an event still poison changes none of them
      const staged: [string, RedrivenItem][] = [];
      for (const key of keysByEvent[index]! as ItemKey[]) {
        const id = keyString(key);
        const before = current.get(id);
        if (before?.redriven?.includes(event.position)) continue;
        const after = projection.evolve(before as Item | undefined, event, key);
        staged.push([
          id,
          {
            ...after,
            pk: key.pk,
            sk: key.sk,
            position: Math.max(before?.position ?? 0, event.position),
            redriven: [...(before?.redriven ?? []), event.position],
          },
        ]);
      }
      for (const [id, item] of staged) {
        current.set(id, item);
        changed.set(id, item);
      }
      if (staged.length > 0) redriven++;
      else alreadyApplied++;
    } catch (error) {
      if (!(error instanceof PoisonEventError)) throw error;
      parked.push(parkedEvent(event, error));
    }
  });
  if (parked.length > 0) await dependencies.park(parked);
  await putItems(db, tableName, [...changed.values()]);
  const checkpoint = stored.get(keyString(CHECKPOINT_KEY)) as (Checkpoint & StoredItem) | undefined;
  // every redriven message left the dead-letter queue; those parked again came back to it
  const settled = redriven + alreadyApplied;
  if (checkpoint && settled > 0) {
    await putIfUnchanged(
      db,
      tableName,
      { ...checkpoint, parkedCount: Math.max(0, checkpoint.parkedCount - settled) },
      checkpoint.position,
    );
  }
  return { redriven, alreadyApplied, parked };
}
