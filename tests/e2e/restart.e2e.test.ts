// A restart of `npm run dev` after a day of use: the event log holds about 14,000 events, the stack
// is stopped once its read models are current and started again, and the seeds' flows run the moment
// it says it is ready. Before the read models were kept, the restart re-projected the whole log behind
// a ready line, and the flows' reads came back stale (X-Consistency) or 404. The first start is the
// one after a reboot: no store runs, the read models refill from the log while /health says
// catching_up, and the ready line waits for them.
//
// The day is generated (events/generatedStream.ts) without orders, and its products and todos are
// numbered past what the flows create, so that the seeds' documented answers stay exact on top of
// it; its users are the write model's first ids (the flows' users come after them, as they would).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { generateEvents } from '../../events/generatedStream.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { startDevProcess, type DevProcess } from '../../infra/local/devProcess.ts';
import { findStore, isRunning, stopStore } from '../../infra/local/store/localStore.ts';
import { stateFile, type StoreState } from '../../infra/local/store/storeState.ts';
import { replayEvents } from '../../infra/operate/replayEvents.ts';
import { E2E_POOL_MAX, freePortBlock, stackWorkFolder } from '../support/devStack.ts';
import { describeSeedFlows } from '../support/seedFlows.ts';
import { createTestBroker, type TestBroker } from '../support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const DAY_EVENTS = 14_000;
/** products and todos of the day are numbered from here, past what the flows create */
const SHIFT = 100_000;
/**
 * The day's users: they come first in the users demo's list, whose first page has room for 1,000
 * (listUsers.ts), and the flow checks that its own users are on it.
 */
const DAY_USERS = 800;
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A day of a shop's users, accounts, catalog and todos; every todo of the day is gone by its end.
 * Past DAY_USERS, the stream's new users and what they do are left out.
 */
function dayOfUse(): DomainEvent[] {
  const day: DomainEvent[] = [];
  const openTodos = new Set<number>();
  for (const event of generateEvents(19, DAY_EVENTS * 6)) {
    if (day.length >= DAY_EVENTS) break;
    if (event.type === 'order.created') continue;
    const userEvent =
      event.type === 'user.created' || event.type === 'user.updated' || event.type === 'account.created';
    if (userEvent && event.data.userId > DAY_USERS) continue;
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
const httpPort = freePortBlock();
const baseUrl = `http://127.0.0.1:${httpPort}`;
const prefix = `restart-${httpPort}`;
const workFolder = stackWorkFolder(httpPort);
/** what the test saw of each start */
const seen = {
  healthWhileStarting: new Set<string>(),
  healthWhenReady: '',
  storeAfterStop: undefined as StoreState | undefined,
  restartOutput: '',
  restartMs: 0,
};

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
      // free ports: a developer's own `npm run dev` and its store are left alone
      LOCAL_DYNAMODB_PORT: '0',
      LOCAL_SQS_PORT: '0',
      RESOURCE_PREFIX: prefix,
      RELAY_SCHEDULE_MS: '1000',
      PG_POOL_MAX: E2E_POOL_MAX,
      // npm run dev's own default: the store in the background, the one a developer restarts
      LOCAL_STORE: 'background',
      DYNALITE_PATH: '',
      LOCAL_WORK_FOLDER: workFolder.folder,
      // should this run end before afterAll stops the store, the store ends with it
      LOCAL_STORE_EXIT_WITH: String(process.pid),
    },
    { readyTimeoutMs: 300_000 },
  );

const healthStatus = async () => {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(5_000) });
    return ((await response.json()) as { status: string }).status;
  } catch {
    return 'no answer';
  }
};

/** Starts the stack, noting what /health says until it is ready. */
async function startWatchingHealth(): Promise<DevProcess> {
  let starting = true;
  const watching = (async () => {
    while (starting) {
      seen.healthWhileStarting.add(await healthStatus());
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  })();
  try {
    return await startStack();
  } finally {
    starting = false;
    await watching;
  }
}

const store = () => stateFile(projectRoot, database.url, prefix);

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
  // as after a reboot: no store yet, the whole log to project
  stack = await startWatchingHealth();
  seen.healthWhenReady = await healthStatus();
  // Ctrl-C: serverless-offline and the bridges stop, the store stays
  await stack.stop();
  stack = undefined;
  seen.storeAfterStop = (await findStore(store()))?.state;
  const started = Date.now();
  stack = await startStack();
  seen.restartMs = Date.now() - started;
  seen.restartOutput = stack.output();
  // the seed flows run now, with nothing waited for
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  if (database) {
    const stopped = await stopStore(store());
    if (stopped) expect(isRunning(stopped.pid)).toBe(false);
    expect(existsSync(store())).toBe(false);
  }
  await Promise.all([database?.drop(), broker?.delete(), workFolder.remove()]);
});

describe('a start with no store (after a reboot)', () => {
  it('refills the read models from the log, /health saying catching_up until ready, then ok', () => {
    expect([...seen.healthWhileStarting]).toContain('catching_up');
    expect(seen.healthWhenReady).toBe('ok');
  });
});

describe('a restart', () => {
  it('finds the store still running after the stop, and reuses it', () => {
    expect(seen.storeAfterStop).toBeDefined();
    expect(isRunning(seen.storeAfterStop!.pid)).toBe(true);
    expect(seen.restartOutput).toContain(
      `kept by the store from the last run (process ${seen.storeAfterStop!.pid}`,
    );
    // nothing left to apply: the day was applied before the stop
    expect(seen.restartOutput).toContain('[dev] read models: current');
    console.log(`restart with ${DAY_EVENTS} events in the log: ready in ${seen.restartMs} ms`);
  });
});

describeSeedFlows(() => {
  expect(stack).toBeDefined();
  return { baseUrl };
});
