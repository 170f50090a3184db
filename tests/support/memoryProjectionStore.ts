// A projection table in memory, with the same contract as the DynamoDB one (projectionStore.ts),
// lease included: the property tests run applyBatch against it through thousands of deliveries.
import { randomUUID } from 'node:crypto';
import type { StoredItem } from '../../functions/projectors/applyEvent.ts';
import { keyString, type Checkpoint } from '../../functions/projectors/projection.ts';
import {
  LeaseHeldError,
  type HeldEvent,
  type ProjectionStore,
} from '../../functions/projectors/projectionStore.ts';

export interface MemoryTable {
  items: Map<string, StoredItem>;
  held: Map<number, HeldEvent>;
  checkpoint?: Checkpoint;
  lease?: { token: string; until: number };
}

export const memoryTable = (): MemoryTable => ({ items: new Map(), held: new Map() });

/** A step of the store that a test may make fail, as a crash or an outage would at that point. */
export type StoreStep = 'readItems' | 'readHeld' | 'heldAbove' | 'write' | 'save' | 'commit';

export function memoryProjectionStore(
  table: MemoryTable,
  options: { now?: () => number; fails?: (step: StoreStep) => boolean } = {},
): ProjectionStore {
  const now = options.now ?? Date.now;
  const token = randomUUID();
  const ours = () => table.lease?.token === token;
  const step = (name: StoreStep) => {
    if (options.fails?.(name)) throw new Error(`injected: ${name} failed`);
  };
  return {
    partition: 0,
    async acquire() {
      if (table.lease && table.lease.until >= now()) throw new LeaseHeldError('held by another writer');
      table.lease = { token, until: now() + 60_000 };
      return table.checkpoint && { ...table.checkpoint };
    },
    async readItems(keys) {
      step('readItems');
      const found = new Map<string, StoredItem>();
      for (const key of keys) {
        const item = table.items.get(keyString(key));
        if (item) found.set(keyString(key), structuredClone(item));
      }
      return found;
    },
    async readHeld(from, limit) {
      step('readHeld');
      return [...table.held.values()]
        .filter((held) => held.sequence >= from)
        .sort((a, b) => a.sequence - b.sequence)
        .slice(0, limit);
    },
    async heldAbove(after) {
      step('heldAbove');
      const above = [...table.held.keys()].filter((sequence) => sequence > after).sort((a, b) => a - b);
      return { count: above.length, ...(above.length > 0 ? { first: above[0] } : {}) };
    },
    async write(items, hold, deletes = []) {
      step('write');
      for (const item of items) table.items.set(keyString(item), structuredClone(item));
      for (const held of hold) table.held.set(held.sequence, { ...held });
      for (const key of deletes) table.items.delete(keyString(key));
    },
    async save(checkpoint) {
      step('save');
      if (!ours()) throw new Error('the lease is not ours');
      table.checkpoint = { ...checkpoint };
    },
    async commit(checkpoint) {
      step('commit');
      if (!ours()) throw new Error('the lease is not ours');
      table.checkpoint = { ...checkpoint };
      table.lease = undefined;
    },
    async dropHeld(upTo) {
      for (const sequence of table.held.keys()) if (sequence <= upTo) table.held.delete(sequence);
    },
    async release() {
      if (ours()) table.lease = undefined;
    },
  };
}
