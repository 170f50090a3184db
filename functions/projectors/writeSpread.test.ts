// No hot key: a generated stream replayed through every projection, in batches of the catalog's size
// as a projector takes a backlog, counting the writes each partition key value takes in every table
// and every index of the catalog. A DynamoDB partition serves about 1,000 write units a second, and
// an index that cannot take a write throttles the table's write too, so a key value that takes a large
// share of a table's or an index's writes caps the whole table. Index writes are counted as DynamoDB
// makes them for an index that projects every attribute: a changed item rewrites its entry, and an
// item whose index key changes leaves one partition and enters another.
//
// Not counted: the checkpoint item, which carries the lease. It is written a fixed number of times per
// batch whatever the batch holds (the lease taken, the checkpoint committed, and saved once more per
// 1,000 events of a long run), which this test checks instead: at 2,000 events a batch it is a few
// writes a second per projection, far under a partition's 1,000.
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { generateEvents } from '../../events/generatedStream.ts';
import { memoryProjectionStore, memoryTable } from '../../tests/support/memoryProjectionStore.ts';
import type { StoredItem } from './applyEvent.ts';
import { applyBatch } from './applyBatch.ts';
import {
  projectionCatalog,
  projectionNames,
  subscribes,
  type IndexDefinition,
  type ProjectionName,
} from './catalog.ts';
import { keyString } from './projection.ts';
import { projections } from './projections.ts';
import type { ProjectionStore } from './projectionStore.ts';

const EVENTS = 20_000;
const MAX_SHARE = 1 / 8;

/** Per table or index, the writes each partition key value took. */
type WriteCounts = Map<string, Map<string, number>>;

function count(counts: WriteCounts, target: string, partition: unknown) {
  const values = counts.get(target) ?? new Map<string, number>();
  counts.set(target, values);
  values.set(String(partition), (values.get(String(partition)) ?? 0) + 1);
}

/** Wraps a store to count its writes per partition key value, in the table and in each index. */
function countingStore(store: ProjectionStore, projection: ProjectionName, counts: WriteCounts) {
  const items = new Map<string, StoredItem>();
  const indexes: readonly IndexDefinition[] = projectionCatalog[projection].indexes;
  let checkpointWrites = 0;
  const counted: ProjectionStore = {
    ...store,
    async acquire() {
      checkpointWrites++;
      return store.acquire();
    },
    async save(checkpoint) {
      checkpointWrites++;
      return store.save(checkpoint);
    },
    async commit(checkpoint) {
      checkpointWrites++;
      return store.commit(checkpoint);
    },
    async write(written, hold, deletes = []) {
      for (const item of written) {
        const before = items.get(keyString(item));
        items.set(keyString(item), item);
        count(counts, 'table', item.pk);
        for (const index of indexes) {
          const key = index.partitionKey.name;
          const sortKey = index.sortKey?.name;
          const inIndex = (version: StoredItem | undefined) =>
            version?.[key] !== undefined && (sortKey === undefined || version[sortKey] !== undefined);
          const moved =
            before?.[key] !== item[key] || (sortKey !== undefined && before?.[sortKey] !== item[sortKey]);
          if (inIndex(before) && moved) count(counts, index.name, before![key]);
          if (inIndex(item)) count(counts, index.name, item[key]);
        }
      }
      for (const held of hold) count(counts, 'table', `HELD#${held.sequence}`);
      for (const key of deletes) count(counts, 'table', key.pk);
      return store.write(written, hold, deletes);
    },
  };
  return { store: counted, checkpointWrites: () => checkpointWrites };
}

const stream = [...generateEvents(19, EVENTS)];

describe.each(projectionNames)('the %s projection', (name) => {
  it(`gives no partition key value more than ${MAX_SHARE} of any table's or index's writes`, async () => {
    const counts: WriteCounts = new Map();
    const { store, checkpointWrites } = countingStore(memoryProjectionStore(memoryTable()), name, counts);
    const events: DomainEvent[] = stream.filter((event) => subscribes(name, event.type));
    const { batchSize } = projectionCatalog[name];
    let batches = 0;
    for (let start = 0; start < events.length; start += batchSize, batches++) {
      const batch = events
        .slice(start, start + batchSize)
        .map((event, index) => ({ sequence: start + index + 1, event }));
      await applyBatch(
        store,
        projections[name],
        { events: batch, undecodable: [] },
        {
          park: async () => undefined,
          now: new Date(),
        },
      );
    }

    const targets = ['table', ...projectionCatalog[name].indexes.map((index) => index.name)];
    for (const target of targets) {
      const values = counts.get(target);
      // an index no event of the stream writes (none today) has nothing to spread
      if (!values) continue;
      const total = [...values.values()].reduce((sum, writes) => sum + writes, 0);
      const [hottest, writes] = [...values].reduce((top, entry) => (entry[1] > top[1] ? entry : top));
      expect(
        writes / total,
        `${name} ${target}: ${hottest} took ${writes} of ${total} writes`,
      ).toBeLessThanOrEqual(MAX_SHARE);
    }
    // the lease taken and the checkpoint committed, once each a batch, and saved once more after
    // each 1,000 events (applyBatch's RUN_CHUNK) of a longer batch
    const savesPerBatch = Math.ceil(batchSize / 1_000) - 1;
    expect(checkpointWrites()).toBeLessThanOrEqual((2 + savesPerBatch) * batches);
    expect(checkpointWrites()).toBeGreaterThanOrEqual(2 * batches);
  });
});
