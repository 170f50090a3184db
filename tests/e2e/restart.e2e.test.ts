// A restart of `npm run dev` after a day of use: the event log holds about 14,000 events, the stack
// is stopped once its read models are current and started again, and the seeds' flows run the moment
// it says it is ready. Before the read models were kept, the restart re-projected the whole log behind
// a ready line, and the flows' reads came back stale (X-Consistency) or 404.
//
// The day is generated (events/generatedStream.ts) without orders, and its products and todos are
// numbered past what the flows create, so that the seeds' documented answers stay exact on top of
// it; its users are the write model's first ids (the flows' users come after them, as they would).
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { generateEvents } from '../../events/generatedStream.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { startDevProcess, type DevProcess } from '../../infra/dev/devProcess.ts';
import { replayEvents } from '../../infra/replay/replayEvents.ts';
import { describeSeedFlows } from '../support/seedFlows.ts';
import { createTestBroker, type TestBroker } from '../support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const DAY_EVENTS = 14_000;
/** products and todos of the day are numbered from here, past what the flows create */
const SHIFT = 100_000;
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A day of a shop's users, accounts, catalog and todos; every todo of the day is gone by its end. */
function dayOfUse(): DomainEvent[] {
  const day: DomainEvent[] = [];
  const openTodos = new Set<number>();
  for (const event of generateEvents(19, DAY_EVENTS * 3)) {
    if (day.length >= DAY_EVENTS) break;
    if (event.type === 'order.created') continue;
    if (event.type === 'product.created') {
      const productId = event.data.productId + SHIFT;
      // the analytics flow's category must hold only the flow's order
      const category = event.data.category === 'Electronics' ? 'Home' : event.data.category;
      day.push({ ...event, aggregateId: String(productId), data: { ...event.data, productId, category } });
      continue;
    }
    if (event.type === 'todo.created' || event.type === 'todo.completed' || event.type === 'todo.deleted') {
      const todoId = event.data.todoId + SHIFT;
      if (event.type === 'todo.created') openTodos.add(todoId);
      if (event.type === 'todo.deleted') openTodos.delete(todoId);
      day.push({ ...event, aggregateId: String(todoId), data: { ...event.data, todoId } } as DomainEvent);
      continue;
    }
    day.push(event);
  }
  const last = day.at(-1)!;
  for (const todoId of openTodos) {
    day.push({
      ...last,
      eventId: crypto.randomUUID(),
      type: 'todo.deleted',
      version: 1,
      aggregateId: String(todoId),
      data: { todoId },
    } as DomainEvent);
  }
  return day;
}

let database: TestDatabase;
let broker: TestBroker;
let stack: DevProcess | undefined;
const httpPort = 20_000 + Math.floor(Math.random() * 20_000);
const prefix = `restart-${httpPort}`;

const startStack = () =>
  startDevProcess(
    'npm',
    ['run', 'dev'],
    {
      ...process.env,
      DATABASE_URL: database.url,
      RABBITMQ_URL: broker.url,
      HTTP_PORT: String(httpPort),
      LAMBDA_PORT: String(httpPort + 1),
      LOCAL_DYNAMODB_PORT: '0',
      LOCAL_SQS_PORT: '0',
      RESOURCE_PREFIX: prefix,
      RELAY_SCHEDULE_MS: '1000',
      // npm run dev's own default store: the one a developer restarts
      LOCAL_DYNAMODB: 'kept',
    },
    { readyTimeoutMs: 300_000 },
  );

/** every projector has applied its whole stream (sync-status, as a user would look) */
async function untilCurrent(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await fetch(`${baseUrl}/api/analytics/sync-status`)).json()) as {
      projectors: Record<string, { eventsBehind: number; headSequence: number }>;
    };
    const projectors = Object.values(status.projectors);
    if (projectors.every((projector) => projector.eventsBehind === 0 && projector.headSequence > 0)) return;
    if (Date.now() > deadline) throw new Error(`not current: ${JSON.stringify(status.projectors)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

beforeAll(async () => {
  [database, broker] = await Promise.all([createTestDatabase('e2e'), createTestBroker('e2e')]);
  const pool = createPool(database.url, 2);
  try {
    // the day's events, numbered and marked published as the relay leaves them; the stack's first start
    // builds its read models from them
    const day = dayOfUse();
    await replayEvents(pool, day, { publish: async () => undefined });
    // the write model's users are the day's: the flows' users come next
    const users = day.filter((event) => event.type === 'user.created').length;
    await pool.query(`SELECT setval('users_id_seq', $1)`, [users]);
  } finally {
    await pool.end();
  }
  const baseUrl = `http://127.0.0.1:${httpPort}`;
  stack = await startStack();
  await untilCurrent(baseUrl, 240_000);
  await stack.stop();
  stack = await startStack();
  // the seed flows run now, with nothing waited for
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  await Promise.all([database?.drop(), broker?.delete()]);
  const kept = await import('../../infra/dev/keptFolders.ts').catch(() => undefined);
  if (kept && database) {
    const folders = kept.keptFolders(projectRoot, database.url, prefix);
    await Promise.all([
      rm(folders.live, { recursive: true, force: true }),
      rm(folders.saved, { recursive: true, force: true }),
    ]);
  }
});

describeSeedFlows(() => {
  expect(stack).toBeDefined();
  return { baseUrl: `http://127.0.0.1:${httpPort}` };
});
