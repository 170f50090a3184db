// The relay on the real PostgreSQL and RabbitMQ: position order whatever the commit order, nothing
// lost across a broker restart, and nothing published from a rolled-back transaction.
import pg from 'pg';
import { createPool } from '../shared/postgres.ts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pendingEvent, type DomainEvent } from '../../events/contracts.ts';
import { appendEvents } from '../shared/eventLog/appendEvents.ts';
import {
  createTestBroker,
  drainQueue,
  rabbitmqctl,
  type TestBroker,
} from '../../tests/support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/testDatabase.ts';
import { rabbitPublisher, type EventPublisher } from './eventPublisher.ts';
import { readRelayProgress, relayEvents } from './relayEvents.ts';

let database: TestDatabase;
let broker: TestBroker;
let pool: pg.Pool;
let publisher: EventPublisher;

beforeAll(async () => {
  [database, broker] = await Promise.all([createTestDatabase('relay'), createTestBroker('relay')]);
  pool = createPool(database.url, 6);
  publisher = rabbitPublisher(broker.url, 'domain-events');
});

afterAll(async () => {
  await publisher?.close();
  await pool?.end();
  await Promise.all([database?.drop(), broker?.delete()]);
});

beforeEach(async () => {
  await relayEvents(pool, publisher);
  await drainQueue(broker.url, 'directory');
});

/** Opens a transaction on its own connection; the caller decides when it commits. */
async function openTransaction() {
  const client = await pool.connect();
  await client.query('BEGIN');
  return {
    client,
    async append(title: string) {
      const [event] = await appendEvents(client, [pendingEvent('todo.created', 1, { todoId: 1, title })], {
        correlationId: 'test',
        occurredAt: new Date(),
        notify: false,
      });
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
    // first (its row write) but its position last, and commits first (docs/decisions.md).
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
    // todo.created feeds the directory projector only
    expect(after.projectorEvents).toEqual({
      ...before.projectorEvents,
      directory: (before.projectorEvents.directory ?? 0) + 1,
    });
    expect(after.headPosition).toBeGreaterThan(before.headPosition);
    expect(await publishedTitles()).toEqual(['once']);
  });
});

describe('broker restart', () => {
  it('commands keep committing while RabbitMQ is down and every event goes out, in order, when it is back', async () => {
    for (const title of ['before-1', 'before-2']) {
      const tx = await openTransaction();
      await tx.append(title);
      await tx.commit();
    }
    await relayEvents(pool, publisher);

    await rabbitmqctl('stop_app');
    try {
      for (const title of ['during-1', 'during-2', 'during-3']) {
        const tx = await openTransaction();
        await tx.append(title);
        await tx.commit();
      }
      await expect(relayEvents(pool, publisher)).rejects.toThrow();
    } finally {
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');
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
