// `tsx infra/local/storeProbe.ts --endpoint URL`: checks a DynamoDB emulator for what the read side needs
// of it before it may hold `npm run dev`'s read models (decision 0035, "npm run dev keeps its read
// models"): consistent reads that see the last write, and the speed of batched reads and writes.
//
// The stale-read probe is the one that caught dynalite on disk: three writers, each on a table of its
// own, read 150 random items (BatchGetItem, consistent), check each against the version they last
// wrote, and write them back one version up (BatchWriteItem, 25 to a request, all at once), while a
// fourth loop scans and queries the tables. Any item older than its last write is counted.
import { randomBytes } from 'node:crypto';
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDbClient } from '../../functions/shared/awsClients.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';

const usage = `Usage: tsx infra/local/storeProbe.ts --endpoint URL [--rounds 400] [--items 2000]

Runs the stale-read probe (3 writers x ROUNDS rounds) and a throughput probe against the DynamoDB at URL,
on tables of its own that it deletes afterwards.`;
const { values } = parseCommandLine(
  {
    options: {
      endpoint: { type: 'string' },
      rounds: { type: 'string', default: '400' },
      items: { type: 'string', default: '2000' },
    },
  },
  usage,
);
if (!values.endpoint) exitWithUsage(usage, '--endpoint is required');
const ROUNDS = Number(values.rounds);
const ITEMS = Number(values.items);
const WRITERS = 3;
const PER_ROUND = 150;

const client = createDynamoDbClient({ AWS_REGION: 'us-east-1', DYNAMODB_ENDPOINT: values.endpoint });
const run = randomBytes(3).toString('hex');
const tables = Array.from({ length: WRITERS }, (_, index) => `probe-${run}-${index}`);
const padding = 'x'.repeat(240);

const item = (id: number, version: number): Record<string, AttributeValue> => ({
  pk: { S: `ITEM#${id % 50}` },
  sk: { S: String(id).padStart(6, '0') },
  version: { N: String(version) },
  padding: { S: padding },
});
const key = (id: number) => ({ pk: { S: `ITEM#${id % 50}` }, sk: { S: String(id).padStart(6, '0') } });

async function writeAll(table: string, items: Record<string, AttributeValue>[]): Promise<void> {
  const chunks: Record<string, AttributeValue>[][] = [];
  for (let at = 0; at < items.length; at += 25) chunks.push(items.slice(at, at + 25));
  await Promise.all(
    chunks.map(async (chunk) => {
      let pending = chunk.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const { UnprocessedItems } = await client.send(
          new BatchWriteItemCommand({ RequestItems: { [table]: pending } }),
        );
        pending = (UnprocessedItems?.[table] ?? []) as typeof pending;
      }
    }),
  );
}

async function readAll(table: string, ids: number[]): Promise<Map<number, number>> {
  const versions = new Map<number, number>();
  const chunks: number[][] = [];
  for (let at = 0; at < ids.length; at += 100) chunks.push(ids.slice(at, at + 100));
  await Promise.all(
    chunks.map(async (chunk) => {
      let keys = chunk.map(key);
      while (keys.length > 0) {
        const { Responses, UnprocessedKeys } = await client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const found of Responses?.[table] ?? [])
          versions.set(Number(found.sk!.S), Number(found.version!.N));
        keys = (UnprocessedKeys?.[table]?.Keys ?? []) as typeof keys;
      }
    }),
  );
  return versions;
}

const randomIds = (count: number) => {
  const ids = new Set<number>();
  while (ids.size < count) ids.add(Math.floor(Math.random() * ITEMS));
  return [...ids];
};

async function writer(table: string): Promise<{ stale: number; worst: number }> {
  const last = new Map<number, number>();
  for (let id = 0; id < ITEMS; id++) last.set(id, 0);
  let stale = 0;
  let worst = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const ids = randomIds(PER_ROUND);
    const read = await readAll(table, ids);
    for (const id of ids) {
      const seen = read.get(id) ?? -1;
      if (seen !== last.get(id)) {
        stale++;
        worst = Math.max(worst, last.get(id)! - seen);
      }
    }
    for (const id of ids) last.set(id, last.get(id)! + 1);
    await writeAll(
      table,
      ids.map((id) => item(id, last.get(id)!)),
    );
  }
  return { stale, worst };
}

async function scanner(stop: () => boolean): Promise<number> {
  let passes = 0;
  while (!stop()) {
    for (const table of tables) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
        start = page.LastEvaluatedKey;
      } while (start);
      await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `ITEM#${passes % 50}` } },
        }),
      );
    }
    passes++;
  }
  return passes;
}

async function throughput(table: string): Promise<{ writesPerSecond: number; readsPerSecond: number }> {
  const ids = Array.from({ length: ITEMS }, (_, id) => id);
  let started = performance.now();
  for (let pass = 1; pass <= 3; pass++)
    await writeAll(
      table,
      ids.map((id) => item(id, 1_000_000 + pass)),
    );
  const writesPerSecond = (3 * ITEMS) / ((performance.now() - started) / 1000);
  started = performance.now();
  for (let pass = 0; pass < 3; pass++) await readAll(table, ids);
  const readsPerSecond = (3 * ITEMS) / ((performance.now() - started) / 1000);
  return { writesPerSecond: Math.round(writesPerSecond), readsPerSecond: Math.round(readsPerSecond) };
}

for (const table of tables) {
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
}
try {
  for (const table of tables)
    await writeAll(
      table,
      Array.from({ length: ITEMS }, (_, id) => item(id, 0)),
    );
  const started = performance.now();
  let done = false;
  const scanning = scanner(() => done);
  const results = await Promise.all(tables.map(writer)).finally(() => {
    done = true;
  });
  const passes = await scanning;
  const seconds = (performance.now() - started) / 1000;
  const stale = results.reduce((sum, result) => sum + result.stale, 0);
  console.log(
    `stale reads: ${stale} in ${WRITERS * ROUNDS} rounds of ${PER_ROUND} items` +
      (stale > 0 ? ` (up to ${Math.max(...results.map((result) => result.worst))} versions old)` : '') +
      `; ${passes} scan passes; ${seconds.toFixed(1)} s`,
  );
  const speed = await throughput(tables[0]!);
  console.log(
    `BatchWriteItem ${speed.writesPerSecond} items/s, BatchGetItem (consistent) ${speed.readsPerSecond} items/s`,
  );
  process.exitCode = stale > 0 ? 1 : 0;
} finally {
  for (const table of tables) await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
}
