// `npm run dev`'s store in the background, without the rest of the stack: reused from one start to the
// next, replaced when its state file is stale or its read models were made from another event log,
// stopped by --fresh and by dev:stop; a projection whose checkpoint names no event of the log, or whose
// partitions changed, is dropped. Each store is this file's own (a state folder of its own, fixed
// free ports so that this process's DynamoDB client stays pointed at it) and ends with the run.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { checkpointKey } from '../../functions/projectors/projection.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';
import { configure } from '../../functions/shared/config.ts';
import { readModelTableName } from '../../functions/shared/resourceNames.ts';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolatedBackend.ts';
import { startReadSide } from './readSide.ts';
import { findStore, stopStore } from './store/localStore.ts';
import { stateFile } from './store/storeState.ts';

// the logger's own level (tests/support/logLevel.ts), before the modules create it
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
});

const SERVER_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const prefix = `store-${process.pid}`;
configure({ RESOURCE_PREFIX: prefix });
// the catalog's partitions, whatever the shell says (streams.ts reads the setting when asked)
configure({ PROJECTION_PARTITIONS: undefined });

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

let projectRoot: string;
let database: IsolatedDatabase;
let ports: { dynamoDbPort: number; sqsPort: number };
let lines: string[] = [];

const start = (fresh = false) => {
  lines = [];
  return startReadSide(
    {
      projectRoot,
      databaseUrl: database.url,
      prefix,
      region: 'us-east-1',
      dynamoDbEndpoint: undefined,
      sqsEndpoint: undefined,
      ...ports,
      dynamoDbPath: undefined,
      fresh,
      exitWith: process.pid,
      log: (line) => lines.push(line),
    },
    { LOCAL_STORE: 'background' },
  );
};
const file = () => stateFile(projectRoot, database.url, prefix);

beforeAll(async () => {
  projectRoot = await mkdtemp(join(tmpdir(), 'store-'));
  database = await createIsolatedDatabase('store', SERVER_URL);
  ports = { dynamoDbPort: await freePort(), sqsPort: await freePort() };
});

afterAll(async () => {
  await stopStore(file());
  await database?.drop();
  await rm(projectRoot, { recursive: true, force: true });
});

describe("npm run dev's store in the background", () => {
  it('is started on the first start and reused by the next, with what it holds', async () => {
    const first = await start();
    expect(lines.join('\n')).toContain('a new store');
    await dynamoDb().send(
      new PutCommand({
        TableName: readModelTableName(prefix, 'analytics'),
        Item: { pk: 'KEPT', sk: 'KEPT', note: 'still here' },
      }),
    );
    const second = await start();
    expect(second.store!.pid).toBe(first.store!.pid);
    expect(lines.join('\n')).toContain('kept by the store from the last run');
    const { Item } = await dynamoDb().send(
      new GetCommand({
        TableName: readModelTableName(prefix, 'analytics'),
        Key: { pk: 'KEPT', sk: 'KEPT' },
      }),
    );
    expect(Item?.note).toBe('still here');
  });

  it('drops a projection whose checkpoint names no event of this log', async () => {
    await dynamoDb().send(
      new PutCommand({
        TableName: readModelTableName(prefix, 'invoices'),
        Item: {
          ...checkpointKey(0),
          sequence: 7,
          position: 7,
          occurredAt: new Date().toISOString(),
          appliedAt: new Date().toISOString(),
          parkedCount: 0,
          heldCount: 0,
          updatedAt: new Date().toISOString(),
        },
      }),
    );
    await start();
    expect(lines).toContain(
      'read models: invoices is rebuilt from the event log (the checkpoint of invoices names no event of this log)',
    );
  });

  it('drops a projection whose partitions changed', async () => {
    configure({ PROJECTION_PARTITIONS: 'directory=2' });
    try {
      await start();
    } finally {
      configure({ PROJECTION_PARTITIONS: undefined });
    }
    expect(lines).toContain(
      'read models: directory is rebuilt from the event log (its partitions went from 1 to 2)',
    );
  });

  it('is replaced when the database was dropped and recreated', async () => {
    const before = (await findStore(file()))!.state.pid;
    const admin = new pg.Client({ connectionString: `${SERVER_URL}/postgres` });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE ${pg.escapeIdentifier(database.name)} WITH (FORCE)`);
      await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(database.name)}`);
    } finally {
      await admin.end();
    }
    const after = await start();
    expect(lines.join('\n')).toContain('made from another event log');
    expect(after.store!.pid).not.toBe(before);
  });

  it('is replaced when its state file names a store that is gone (a reboot)', async () => {
    const { state } = (await findStore(file()))!;
    process.kill(state.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await start();
    expect(after.store!.pid).not.toBe(state.pid);
    expect(lines.join('\n')).toContain('a new store');
  });

  it('starts empty with --fresh, and is gone after dev:stop', async () => {
    const before = (await findStore(file()))!.state.pid;
    const after = await start(true);
    expect(after.store!.pid).not.toBe(before);
    expect(lines[0]).toContain('--fresh: stopped the store');
    const stopped = await stopStore(file());
    expect(stopped?.pid).toBe(after.store!.pid);
    expect(() => process.kill(after.store!.pid, 0)).toThrow();
    expect(await findStore(file())).toBeUndefined();
  });

  it('is refused while alive and silent, not replaced, and dev:stop still ends it', async () => {
    const { store } = await start();
    process.kill(store!.pid, 'SIGSTOP');
    try {
      await expect(start()).rejects.toThrow(`the read-model store (process ${store!.pid}) does not answer`);
    } finally {
      // the SIGTERM dev:stop sends is delivered once the process runs again
      setTimeout(() => process.kill(store!.pid, 'SIGCONT'), 1_000);
    }
    expect((await stopStore(file()))?.pid).toBe(store!.pid);
    expect(() => process.kill(store!.pid, 0)).toThrow();
  }, 60_000);
});
