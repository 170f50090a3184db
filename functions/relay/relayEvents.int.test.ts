// The relay on the real PostgreSQL and RabbitMQ: position order whatever the commit order, every event
// numbered in its streams once (the same numbers when it goes out again), nothing lost while the
// broker is unreachable, nothing published from a rolled-back transaction, and gaps re-published.
import pg from 'pg';
import { createPool } from '../shared/postgres.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pendingEvent, type DomainEvent } from '../../events/contracts.ts';
import { appendEvents } from '../shared/eventLog/appendEvents.ts';
import { startFaultProxy, type FaultProxy } from '../../tests/support/faultProxy.ts';
import {
  createTestBroker,
  drainMessages,
  drainQueue,
  type TestBroker,
} from '../../tests/support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/testDatabase.ts';
import type { Checkpoint } from '../projectors/projection.ts';
import { rabbitPublisher, type EventPublisher } from './eventPublisher.ts';
import { healGaps, newHealMemory } from './healGaps.ts';
import type { ProjectorLag } from './projectorLag.ts';
import { readRelayProgress } from './eventLog.ts';
import { relayEvents } from './relayEvents.ts';

let database: TestDatabase;
let broker: TestBroker;
let pool: pg.Pool;
let publisher: EventPublisher;
/** the broker as the relay reaches it: through a proxy, so that a test can cut it off */
let brokerLink: FaultProxy;

beforeAll(async () => {
  [database, broker] = await Promise.all([createTestDatabase('relay'), createTestBroker('relay')]);
  pool = createPool(database.url, 6);
  const server = new URL(broker.url);
  brokerLink = await startFaultProxy({ host: server.hostname, port: Number(server.port || 5672) });
  publisher = rabbitPublisher(brokerLink.urlFor(broker.url), 'domain-events');
});

afterAll(async () => {
  await publisher?.close();
  await brokerLink?.close();
  await pool?.end();
  await Promise.all([database?.drop(), broker?.delete()]);
});

beforeEach(async () => {
  await relayEvents(pool, publisher);
  await Promise.all(['directory', 'analytics', 'invoices'].map((queue) => drainQueue(broker.url, queue)));
});

/** Opens a transaction on its own connection; the caller decides when it commits. */
async function openTransaction() {
  const client = await pool.connect();
  await client.query('BEGIN');
  return {
    client,
    async append(title: string) {
      const [event] = await appendEvents(
        client,
        [pendingEvent('todo.created', 1, { todoId: 1, title, ownerSubject: null })],
        {
          correlationId: 'test',
          occurredAt: new Date(),
          notify: false,
        },
      );
      return event!;
    },
    async commit() {
      await client.query('COMMIT');
      client.release();
    },
    async rollback() {
      await client.query('ROLLBACK');
      client.release();
    },
  };
}

async function publishedTitles(): Promise<string[]> {
  const events = await drainQueue<DomainEvent>(broker.url, 'directory');
  const positions = events.map((event) => event.position);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
  return events.map((event) => (event.type === 'todo.created' ? event.data.title : event.type));
}

describe('publication order', () => {
  it('events committed out of position order are still published in position order', async () => {
    const first = await openTransaction();
    const second = await openTransaction();
    const a = await first.append('a');
    const b = await second.append('b');
    expect(a.position).toBeLessThan(b.position);
    await second.commit();
    // `b` is committed but `a` could still commit below it: the relay must hold `b` back
    expect((await relayEvents(pool, publisher)).published).toBe(0);
    await first.commit();
    expect((await relayEvents(pool, publisher)).published).toBe(2);
    expect(await publishedTitles()).toEqual(['a', 'b']);
  });

  it('a transaction that wrote rows first but appends last still gets the lower position', async () => {
    // With a BIGSERIAL position this is the case that breaks order: `early` takes its transaction id
    // first (its row write) but its position last, and commits first (decision 0001).
    const early = await openTransaction();
    await early.client.query(`INSERT INTO todos (title) VALUES ('row first')`);
    const late = await openTransaction();
    const lateEvent = await late.append('late');
    const earlyEvent = await early.append('early');
    expect(earlyEvent.position).toBeLessThan(lateEvent.position);
    await early.commit();
    expect((await relayEvents(pool, publisher)).published).toBe(1);
    await late.commit();
    expect((await relayEvents(pool, publisher)).published).toBe(1);
    expect(await publishedTitles()).toEqual(['early', 'late']);
  });

  it('a rolled-back transaction publishes nothing and does not hold back the others', async () => {
    const doomed = await openTransaction();
    await doomed.append('doomed');
    const kept = await openTransaction();
    await kept.append('kept');
    await kept.commit();
    await doomed.rollback();
    await relayEvents(pool, publisher);
    expect(await publishedTitles()).toEqual(['kept']);
  });

  it('marks events published only once, however often it runs', async () => {
    const tx = await openTransaction();
    await tx.append('once');
    await tx.commit();
    const before = await readRelayProgress(pool);
    const runs = await Promise.all(Array.from({ length: 4 }, () => relayEvents(pool, publisher)));
    expect(runs.reduce((sum, run) => sum + run.published, 0)).toBe(1);
    const after = await readRelayProgress(pool);
    // todo.created feeds the directory stream only
    expect(after.publishedSequences).toEqual({
      ...before.publishedSequences,
      directory: (before.publishedSequences.directory ?? 0) + 1,
    });
    expect(after.headPosition).toBeGreaterThan(before.headPosition);
    expect(await publishedTitles()).toEqual(['once']);
  });

  it('tells of each batch the broker confirmed: its size and how long publishing it took', async () => {
    for (const title of ['b1', 'b2', 'b3', 'b4', 'b5']) {
      const tx = await openTransaction();
      await tx.append(title);
      await tx.commit();
    }
    const batches: { size: number; publishMs: number }[] = [];
    const run = await relayEvents(pool, publisher, 2, (batch) => batches.push(batch));
    expect(run.published).toBe(5);
    expect(batches.map((batch) => batch.size)).toEqual([2, 2, 1]);
    for (const batch of batches) expect(batch.publishMs).toBeGreaterThan(0);
    expect(await publishedTitles()).toEqual(['b1', 'b2', 'b3', 'b4', 'b5']);
  });
});

describe('numbering', () => {
  /** Appends one event of `type` in a transaction of its own. */
  async function commit(type: 'todo.created' | 'product.created' | 'user.created', id: number) {
    const data = {
      'todo.created': { todoId: id, title: `todo ${id}` },
      'product.created': { productId: id, name: `p${id}`, category: 'c', priceCents: 100, stock: 1 },
      'user.created': { userId: id, name: 'n', firstName: 'f', lastName: 'l', email: `u${id}@x.io` },
    }[type];
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await appendEvents(client, [pendingEvent(type, id, data as never)], {
        correlationId: 'test',
        occurredAt: new Date(),
        notify: false,
      });
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  const numbersIn = async (queue: string) =>
    (await drainMessages<DomainEvent>(broker.url, queue)).map(
      (message) => [message.body.type, message.headers[`x-sequence-${queue}`]] as const,
    );

  it('numbers each stream 1, 2, 3… with no gap, in position order, and each queue gets its own numbers', async () => {
    const before = (await readRelayProgress(pool)).publishedSequences;
    await commit('product.created', 1); // analytics, directory
    await commit('todo.created', 2); // directory
    await commit('user.created', 3); // invoices, directory
    await commit('product.created', 4); // analytics, directory
    await relayEvents(pool, publisher);
    const after = (d: number, stream: string) => (before[stream] ?? 0) + d;
    expect(await numbersIn('directory')).toEqual([
      ['product.created', after(1, 'directory')],
      ['todo.created', after(2, 'directory')],
      ['user.created', after(3, 'directory')],
      ['product.created', after(4, 'directory')],
    ]);
    expect(await numbersIn('analytics')).toEqual([
      ['product.created', after(1, 'analytics')],
      ['product.created', after(2, 'analytics')],
    ]);
    expect(await numbersIn('invoices')).toEqual([['user.created', after(1, 'invoices')]]);
  });

  it('an event that goes out again carries the same numbers', async () => {
    await commit('product.created', 5);
    const failing: EventPublisher = {
      ...publisher,
      async publish(publications) {
        await publisher.publish(publications);
        throw new Error('the relay died before marking them published');
      },
    };
    await expect(relayEvents(pool, failing)).rejects.toThrow('died');
    await relayEvents(pool, publisher);
    const [first, again] = await numbersIn('analytics');
    expect(first).toEqual(again);
    await drainQueue(broker.url, 'directory');
  });

  it('numbers events logged before numbering existed, oldest first, before anything newer', async () => {
    await commit('todo.created', 6);
    await commit('todo.created', 7);
    await relayEvents(pool, publisher);
    await drainQueue(broker.url, 'directory');
    // as a database migrated from before numbering: the last two events published, unnumbered
    const { rows } = await pool.query<{ position: string }>(
      'SELECT position FROM event_log ORDER BY position DESC LIMIT 2',
    );
    const positions = rows.map((row) => row.position);
    const { rows: numbers } = await pool.query<{ sequence: string }>(
      `DELETE FROM stream_sequences WHERE position = ANY($1::bigint[]) RETURNING sequence`,
      [positions],
    );
    await pool.query('UPDATE event_log SET sequenced = false WHERE position = ANY($1::bigint[])', [
      positions,
    ]);
    await pool.query(
      `UPDATE relay_progress SET assigned_sequences = jsonb_set(assigned_sequences, '{directory}', to_jsonb($1::bigint))`,
      [Math.min(...numbers.map((row) => Number(row.sequence))) - 1],
    );
    await commit('todo.created', 8);
    await relayEvents(pool, publisher);
    // the old ones get their numbers back, and are not published again; the new one follows them
    const sorted = numbers.map((row) => Number(row.sequence)).sort((a, b) => a - b);
    expect(await numbersIn('directory')).toEqual([['todo.created', sorted[1]! + 1]]);
    const { rows: renumbered } = await pool.query<{ sequence: string }>(
      `SELECT sequence FROM stream_sequences WHERE stream = 'directory' AND position = ANY($1::bigint[])
       ORDER BY sequence`,
      [positions],
    );
    expect(renumbered.map((row) => Number(row.sequence))).toEqual(sorted);
  });

  it('numbers a stream the catalog gained later over the whole log, in position order', async () => {
    await commit('product.created', 9);
    await relayEvents(pool, publisher);
    await Promise.all(['directory', 'analytics'].map((queue) => drainQueue(broker.url, queue)));
    const numbersOf = async () =>
      (
        await pool.query<{ sequence: string; position: string }>(
          `SELECT sequence, position FROM stream_sequences WHERE stream = 'analytics' ORDER BY sequence`,
        )
      ).rows.map((row) => [Number(row.sequence), Number(row.position)]);
    const before = await numbersOf();
    // as if the analytics projection had just been added: its stream has no numbers yet
    await pool.query(`DELETE FROM stream_sequences WHERE stream = 'analytics'`);
    await pool.query(
      `UPDATE relay_progress SET assigned_sequences = assigned_sequences - 'analytics',
                                 published_sequences = published_sequences - 'analytics'`,
    );
    await relayEvents(pool, publisher);
    expect(await numbersOf()).toEqual(before);
    const progress = await readRelayProgress(pool);
    expect(progress.publishedSequences.analytics).toBe(before.length);
    // history is not published again: the projector gets it from a rebuild or by healing
    expect(await drainQueue(broker.url, 'analytics')).toEqual([]);
  });
});

describe('gaps', () => {
  it('re-publishes what a projector waits for to its queue alone, with the numbers it had', async () => {
    for (let id = 10; id < 15; id++) {
      const tx = await openTransaction();
      await tx.append(`gap ${id}`);
      await tx.commit();
    }
    await relayEvents(pool, publisher);
    const published = await drainMessages<DomainEvent>(broker.url, 'directory');
    const numbers = published.map((message) => Number(message.headers['x-sequence-directory']));
    // the directory projector applied all but the last three; the broker lost those
    const checkpoint = { sequence: numbers[1]!, heldCount: 0 } as Checkpoint;
    const lags: ProjectorLag[] = [];
    const now = Date.now() + 60_000;
    const healed = await healGaps(
      {
        pool,
        publisher,
        readCheckpoint: async (stream) => (stream.name === 'directory' ? checkpoint : undefined),
        memory: newHealMemory(),
        now: () => now,
        observeLag: (lag) => lags.push(lag),
      },
      { healAfterMs: 0, limit: 100 },
      ['directory'],
    );
    expect(healed).toEqual([{ stream: 'directory', from: numbers[2], to: numbers[4], cut: false }]);
    // how far behind it was, from the stream's head and the time of the first event it lacks
    const { rows } = await pool.query<{ occurred_at: Date }>(
      'SELECT occurred_at FROM event_log WHERE position = $1',
      [published[2]!.headers.position],
    );
    expect(lags).toEqual([
      {
        stream: 'directory',
        eventsBehind: 3,
        secondsBehind: (now - rows[0]!.occurred_at.getTime()) / 1000,
        heldEvents: 0,
      },
    ]);
    const again = await drainMessages<DomainEvent>(broker.url, 'directory');
    expect(again.map((message) => message.body)).toEqual(published.slice(2).map((message) => message.body));
    expect(again.map((message) => message.headers)).toEqual(
      published.slice(2).map(({ headers }) => ({
        position: headers.position,
        version: headers.version,
        'x-sequence-directory': headers['x-sequence-directory'],
      })),
    );
  });
});

describe('broker unreachable', () => {
  it('commands keep committing while RabbitMQ is unreachable and every event goes out, in order, when it is back', async () => {
    for (const title of ['before-1', 'before-2']) {
      const tx = await openTransaction();
      await tx.append(title);
      await tx.commit();
    }
    await relayEvents(pool, publisher);

    // the relay's connection is cut and new ones are refused; the broker itself runs on for others
    await brokerLink.refuse();
    brokerLink.cut();
    try {
      for (const title of ['during-1', 'during-2', 'during-3']) {
        const tx = await openTransaction();
        await tx.append(title);
        await tx.commit();
      }
      await expect(relayEvents(pool, publisher)).rejects.toThrow();
    } finally {
      await brokerLink.accept();
    }
    const tx = await openTransaction();
    await tx.append('after');
    await tx.commit();

    // the publisher reconnects by itself on its next run
    let relayed = 0;
    for (let attempt = 0; attempt < 20 && relayed < 4; attempt++) {
      relayed += await relayEvents(pool, publisher)
        .then((result) => result.published)
        .catch(() => new Promise<number>((resolve) => setTimeout(() => resolve(0), 500)));
    }
    expect(relayed).toBe(4);
    expect(await publishedTitles()).toEqual([
      'before-1',
      'before-2',
      'during-1',
      'during-2',
      'during-3',
      'after',
    ]);
    const unpublished = await pool.query(
      'SELECT count(*)::int AS n FROM event_log WHERE published_at IS NULL',
    );
    expect(unpublished.rows[0].n).toBe(0);
  });
});
