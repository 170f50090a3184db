// Applies parked events again, after a fix. They are older than what the items have seen since, so
// the position rule would skip them: instead each item remembers the positions redriven into it
// (`redriven`), which makes a repeated redrive change nothing twice. The event is applied on top of
// the item's current state, which is exact for the additive views (totals, invoice lines).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DomainEvent } from '../../events/contracts.ts';
import { CHECKPOINT_KEY, keyString, type Checkpoint, type Projection } from './projection.ts';
import { readItems, writeItems, type ItemWrite, type StoredItem } from './readItems.ts';

type RedrivenItem = StoredItem & { redriven?: number[] };

export async function redriveEvents<Item extends object>(
  dependencies: { db: DynamoDBDocumentClient; tableName: string },
  projection: Projection<Item>,
  events: readonly DomainEvent[],
): Promise<{ redriven: number; alreadyApplied: number }> {
  const { db, tableName } = dependencies;
  const keysByEvent = events.map((event) => projection.keysOf(event));
  const stored = await readItems(db, tableName, [CHECKPOINT_KEY, ...keysByEvent.flat()]);
  const current = new Map(stored as Map<string, RedrivenItem>);
  const changed = new Map<string, ItemWrite>();
  let redriven = 0;
  let alreadyApplied = 0;
  events.forEach((event, index) => {
    let appliedHere = false;
    for (const key of keysByEvent[index]!) {
      const id = keyString(key);
      const before = current.get(id);
      if (before?.redriven?.includes(event.position)) continue;
      const after = projection.evolve(before as Item | undefined, event, key);
      const item: RedrivenItem = {
        ...after,
        pk: key.pk,
        sk: key.sk,
        position: Math.max(before?.position ?? 0, event.position),
        redriven: [...(before?.redriven ?? []), event.position],
      };
      current.set(id, item);
      changed.set(id, { item, previousPosition: stored.get(id)?.position });
      appliedHere = true;
    }
    if (appliedHere) redriven++;
    else alreadyApplied++;
  });
  await writeItems(db, tableName, [...changed.values()]);
  const checkpoint = stored.get(keyString(CHECKPOINT_KEY)) as (Checkpoint & StoredItem) | undefined;
  if (checkpoint && redriven > 0) {
    await writeItems(db, tableName, [
      {
        item: { ...checkpoint, parkedCount: Math.max(0, checkpoint.parkedCount - redriven) },
        previousPosition: checkpoint.position,
      },
    ]);
  }
  return { redriven, alreadyApplied };
}
