// A rebuild from 20,000 events in the PostgreSQL log gives exactly the live projection, also when it
// is interrupted and resumed; afterwards reads and the projector use the new table.
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { generateEvents } from '../../events/generatedStream.ts';
import type { DomainEvent } from '../../events/contracts.ts';
import { startTestAws } from '../../tests/support/localAwsForTests.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/testDatabase.ts';
import type { LocalAws } from '../local/localAws.ts';
import { loadPublishedEvents } from '../bench/loadEventLog.ts';

const EVENTS = 20_000;
let database: TestDatabase;
let aws: LocalAws & { prefix: string };

beforeAll(async () => {
  [database, aws] = await Promise.all([createTestDatabase('rebuild'), startTestAws()]);
});

afterAll(async () => {
  await aws?.stop();
  await database?.drop();
});

async function scan(table: string) {
  const { dynamoDb } = await import('../../functions/shared/aws.ts');
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await dynamoDb().send(
      new ScanCommand({ TableName: table, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items
    .map(({ updatedAt: _updatedAt, appliedAt: _appliedAt, ...item }) => item)
    .sort((a, b) => `${a.pk} ${a.sk}`.localeCompare(`${b.pk} ${b.sk}`));
}

it(`rebuilds the analytics projection from ${EVENTS} events, resuming after an interruption`, async () => {
  // what builds from the settings at import loads after startTestAws has configured them
  const { createPool } = await import('../../functions/shared/postgres.ts');
  const pool = createPool(database.url, 4);
  const events: DomainEvent[] = [...generateEvents(2026, EVENTS)];
  await loadPublishedEvents(pool, events);
  // the live projection, as the projector built it batch by batch
  const { applyToTable, numbered } = await import('../../tests/support/projectorBatches.ts');
  const { analyticsProjection } = await import('../../functions/analytics/analyticsProjection.ts');
  const { dynamoDb } = await import('../../functions/shared/aws.ts');
  const liveTable = `${aws.prefix}-analytics`;
  const analyticsEvents = events.filter(
    (event) => event.type === 'product.created' || event.type === 'order.created',
  );
  const stream = numbered(analyticsEvents);
  for (let start = 0; start < stream.length; start += 500) {
    await applyToTable(
      dynamoDb(),
      liveTable,
      analyticsProjection,
      stream.slice(start, start + 500),
      async () => {},
    );
  }

  const { rebuildProjection } = await import('./rebuildProjection.ts');
  const progress: number[] = [];
  const options = {
    pool,
    projection: 'analytics' as const,
    prefix: aws.prefix,
    onProgress: ({ applied }: { applied: number }) => progress.push(applied),
  };
  const interrupted = await rebuildProjection({ ...options, stopAfterBatches: 4 });
  expect(interrupted).toMatchObject({ completed: false, applied: 4_000 });
  const resumed = await rebuildProjection(options);
  expect(resumed).toMatchObject({
    completed: true,
    table: interrupted.table,
    applied: analyticsEvents.length,
  });
  expect(progress.at(-1)).toBe(analyticsEvents.length);

  expect(await scan(resumed.table)).toEqual(await scan(liveTable));
  const { readLiveTable } = await import('../../functions/projectors/liveTables.ts');
  expect(await readLiveTable('analytics')).toEqual({
    ...(await readLiveTable('analytics')),
    table: resumed.table,
    state: 'live',
  });
  await pool.end();
}, 300_000);
