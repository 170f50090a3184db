// `npm run dev`: the whole system on this machine with one command. Checks PostgreSQL and RabbitMQ,
// applies the schema and the broker topology, starts the HTTP API and the Lambdas on
// serverless-offline, and wakes the relay after every commit.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import amqp from 'amqplib';
import { settings } from '../../functions/shared/config.ts';
import { migrateDatabase } from '../postgres/migrations.ts';
import { setupTopology } from '../rabbitmq/topology.ts';
import { requirePostgres, requireRabbitMq, UnreachableDependencyError } from './preflight.ts';
import { startRelayWakeup } from './relayWakeup.ts';

const HTTP_PORT = Number(process.env.HTTP_PORT ?? 3000);
const LAMBDA_PORT = Number(process.env.LAMBDA_PORT ?? 3002);
const STAGE = process.env.STAGE ?? 'dev';
const SERVICE = 'cqrs-commerce';
const RELAY_SCHEDULE_MS = Number(process.env.RELAY_SCHEDULE_MS ?? 5_000);

const log = (message: string) => console.log(`[dev] ${message}`);

async function prepare(): Promise<void> {
  await requirePostgres(settings.DATABASE_URL);
  await requireRabbitMq(settings.RABBITMQ_URL);
  const applied = await migrateDatabase(settings.DATABASE_URL);
  log(applied.length ? `schema: applied ${applied.join(', ')}` : 'schema: up to date');
  const connection = await amqp.connect(settings.RABBITMQ_URL);
  try {
    await setupTopology(await connection.createChannel(), settings.EVENTS_EXCHANGE);
  } finally {
    await connection.close();
  }
  log('broker topology: ready');
}

async function waitForHttp(url: string, child: ReturnType<typeof spawn>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('serverless-offline exited before it was ready');
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`serverless-offline did not answer on ${url} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  await prepare();
  const serverlessBin = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  const offline = spawn(
    process.execPath,
    [
      serverlessBin,
      'offline',
      'start',
      '--stage',
      STAGE,
      '--httpPort',
      String(HTTP_PORT),
      '--lambdaPort',
      String(LAMBDA_PORT),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, SLS_TELEMETRY_DISABLED: '1' } },
  );
  // what runs beside serverless-offline, stopped before it on shutdown
  const companions: { stop(): Promise<void> }[] = [];
  const shutdown = async (code: number) => {
    await Promise.all(companions.map((companion) => companion.stop()));
    if (offline.exitCode === null) offline.kill('SIGTERM');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  offline.on('exit', (code) => {
    log(`serverless-offline exited (${code ?? 'signal'})`);
    void shutdown(code ?? 1);
  });

  await waitForHttp(`http://127.0.0.1:${HTTP_PORT}/health`, offline, 120_000);
  const relay = startRelayWakeup({
    databaseUrl: settings.DATABASE_URL,
    lambdaEndpoint: `http://127.0.0.1:${LAMBDA_PORT}`,
    functionName: `${SERVICE}-${STAGE}-relayEvents`,
    scheduleMs: RELAY_SCHEDULE_MS,
    log,
  });
  companions.push(relay);
  log(`ready: http://localhost:${HTTP_PORT} (try curl http://localhost:${HTTP_PORT}/health)`);
}

main().catch((error: unknown) => {
  if (error instanceof UnreachableDependencyError) console.error(`[dev] ${error.message}`);
  else console.error('[dev] failed to start:', error);
  process.exit(1);
});
