// The local read-model store of one stack: dynalite in memory (exact, and fast enough to catch up at
// thousands of events a second: decisions 0018 and 0035) and sqslite (the projectors' dead-letter queue),
// in a process of its own that outlives `npm run dev`, so that the read models, their checkpoints and
// the parked events are there at the next start. localStore.ts starts it detached and finds it again
// through its state file (storeState.ts). A small HTTP endpoint of its own answers who it is, keeps
// the marker of what its read models were made from (keptReadModels.ts: it lives exactly as long as
// the data it describes) and stops it.
//
// Run as `node infra/local/store/storeDaemon.ts --state FILE --database D --prefix P [...]`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import sqslite from 'sqslite';
import { forgetState, installedVersions, newToken, writeState, type StoreState } from './storeState.ts';

const { values } = parseArgs({
  options: {
    state: { type: 'string' },
    database: { type: 'string' },
    prefix: { type: 'string' },
    'dynamodb-port': { type: 'string', default: '0' },
    'sqs-port': { type: 'string', default: '0' },
    path: { type: 'string' },
    /** a process id: the store stops once that process has ended (the tests' safety net) */
    'exit-with': { type: 'string' },
  },
});
if (!values.state || !values.database || !values.prefix) {
  console.error('storeDaemon: --state, --database and --prefix are required');
  process.exit(2);
}
const stateFile = values.state;
const token = newToken();
const log = (message: string) => console.log(`${new Date().toISOString()} ${message}`);

type Dynalite = (options: Record<string, unknown>) => Server;
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

const listen = (server: Server, port: number) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });

// tables are ready at once, as the local stack has always run them
const dynamo = dynalite({
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  ...(values.path ? { path: values.path } : {}),
});
const queues = sqslite({ logger: false });
/** what the read models were made from, as `npm run dev` last recorded it (keptReadModels.ts) */
let marker: unknown = null;
let stopping = false;

async function stop(why: string, code = 0): Promise<never> {
  if (!stopping) {
    stopping = true;
    log(`stopping: ${why}`);
    await forgetState(stateFile, token).catch(() => undefined);
    // the clients' keep-alive sockets would hold close() open; the data in memory goes either way,
    // and on disk dynalite's close() closes its store first
    dynamo.closeAllConnections();
    await Promise.race([
      Promise.all([new Promise((resolve) => dynamo.close(resolve)), queues.close()]),
      new Promise((resolve) => setTimeout(resolve, 5_000)),
    ]);
  }
  process.exit(code);
}

const body = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

function answer(response: ServerResponse, status: number, value?: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(value === undefined ? undefined : JSON.stringify(value));
}

let state: StoreState | undefined;

/** Who it is, the marker, and stop; what changes anything takes the token, as the state file holds it. */
const control = createServer((request, response) => {
  void (async () => {
    const authorised = request.headers['x-store-token'] === token;
    if (request.method === 'GET' && request.url === '/status') {
      const memory = process.memoryUsage();
      return answer(response, 200, {
        ...state,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        // dynalite's in-memory store keeps items in buffers, outside the JavaScript heap
        externalBytes: memory.external,
        uptimeSeconds: Math.round(process.uptime()),
      });
    }
    if (request.method === 'GET' && request.url === '/marker') return answer(response, 200, { marker });
    if (!authorised) return answer(response, 403, { message: 'x-store-token does not match' });
    if (request.method === 'PUT' && request.url === '/marker') {
      marker = JSON.parse(await body(request)) as unknown;
      return answer(response, 204);
    }
    if (request.method === 'POST' && request.url === '/stop') {
      answer(response, 202, { stopping: true });
      response.once('finish', () => void stop('asked to'));
      return;
    }
    answer(response, 404, { message: 'no such route' });
  })().catch((error: unknown) => answer(response, 500, { message: String(error) }));
});

process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
process.on('uncaughtException', (error) => {
  log(`uncaught: ${error.stack ?? String(error)}`);
  void stop('an uncaught error', 1);
});

try {
  const dynamoDbPort = await listen(dynamo, Number(values['dynamodb-port']));
  const sqsPort = Number(
    new URL(await queues.listen({ port: Number(values['sqs-port']), host: '127.0.0.1' })).port,
  );
  const controlPort = await listen(control, 0);
  state = {
    pid: process.pid,
    token,
    dynamoDbPort,
    sqsPort,
    controlPort,
    database: values.database,
    prefix: values.prefix,
    path: values.path ?? null,
    versions: installedVersions(),
    startedAt: new Date().toISOString(),
  };
  // last: a state file means every port answers
  await writeState(stateFile, state);
  log(`serving ${values.database} (prefix ${values.prefix}): DynamoDB ${dynamoDbPort}, SQS ${sqsPort}`);
} catch (error) {
  // the port is taken, most often: the starter reads this line from the log
  log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  await stop('it could not start', 1);
}

const owner = Number(values['exit-with']);
if (owner) {
  setInterval(() => {
    try {
      process.kill(owner, 0);
    } catch {
      void stop(`process ${owner}, which it was started for, has ended`);
    }
  }, 1_000).unref();
}
