// `npm run dev`: the whole system on this machine with one command. Checks PostgreSQL and RabbitMQ,
// prepares them as prepareBackend does in the cloud (the schema, each job's role, the broker topology,
// each job's user: localBackend.ts), finds or starts the read-model store (dynalite and
// sqslite in a process that outlives this one, so the read models are kept across restarts, unless
// endpoints are given: readSide.ts) with the read-model tables, the HTTP API and the Lambdas on
// serverless-offline, the relay wake-up, and one queue bridge per stream; it says it is ready once
// the read models have applied the whole event log.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { HealRequest } from '../../functions/operations/republishEvents.ts';
import { projectionCatalog, type ProjectionName } from '../../functions/projectors/catalog.ts';
import { allStreams, streamNamed } from '../../functions/projectors/streams.ts';
import type { HealedRange } from '../../functions/relay/healGaps.ts';
import { readProgress } from '../../functions/shared/queries/projectionProgress.ts';
import { createLambdaClient } from '../../functions/shared/awsClients.ts';
import { brokerUrl, databaseUrl, settings } from '../../functions/shared/config.ts';
import { parseCommandLine } from '../terminal/commandLine.ts';
import { readRelayProgress } from '../../functions/relay/eventLog.ts';
import { writeStreamHead } from '../../functions/relay/streamHead.ts';
import { localJobBrokerUrl } from '../../functions/shared/localCredentials.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { waitUntilCurrent } from './catchUp.ts';
import { presentLogLine } from './devLog.ts';
import { prepareLocalBackend } from './localBackend.ts';
import { startReadSide, storeMode } from './readSide.ts';
import {
  requireFreePorts,
  requirePostgres,
  requireRabbitMq,
  UnreachableDependencyError,
} from './preflight.ts';
import { lambdaInvoker, startQueueBridge } from './queueBridge.ts';
import { startRelayWakeup } from './relayWakeup.ts';
import { startTestIssuer } from './testIssuer.ts';

const { values: options } = parseCommandLine(
  {
    options: {
      verbose: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
    },
  },
  `Usage: npm run dev [-- --verbose] [-- --fresh]

Runs the whole system on this machine: http://localhost:3000 (HTTP_PORT), on the PostgreSQL of
DATABASE_URL and the RabbitMQ of RABBITMQ_URL. Its settings are environment variables
(docs/configuration.md). It prints a line per request and per projector batch; --verbose prints
serverless-offline's own output and the Lambdas' JSON logs as they come.

The read models, their checkpoints and the parked events are kept across restarts by a store that
keeps running in the background (one per database and RESOURCE_PREFIX); --fresh stops it first and
starts an empty one, rebuilt from the event log. npm run dev:stop stops it.`,
);

const HTTP_PORT = Number(process.env.HTTP_PORT ?? 3000);
const LAMBDA_PORT = Number(process.env.LAMBDA_PORT ?? 3002);
/** the second serverless-offline instance, which runs the relay and the projectors */
const EVENTS_HTTP_PORT = Number(process.env.EVENTS_HTTP_PORT ?? LAMBDA_PORT + 1);
const EVENTS_LAMBDA_PORT = Number(process.env.EVENTS_LAMBDA_PORT ?? LAMBDA_PORT + 2);
const STAGE = process.env.STAGE ?? 'dev';
const SERVICE = 'cqrs-commerce';
const RELAY_SCHEDULE_MS = Number(process.env.RELAY_SCHEDULE_MS ?? 5_000);
/**
 * where serverless-esbuild bundles the HTTP instance's functions (the events instance's: the same
 * name and `-events`); two stacks from one checkout, as the end-to-end tests start, need two
 */
const WORK_FOLDER = process.env.LOCAL_WORK_FOLDER ?? '.esbuild';
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** off: the relay does not re-publish what the read models lack at start, and ready does not wait */
const HEAL_AT_START = process.env.HEAL_AT_START !== 'off';

/** fixed by default so that the operator CLIs (npm run dlq) find them; 0 picks free ports */
const LOCAL_DYNAMODB_PORT = Number(process.env.LOCAL_DYNAMODB_PORT ?? 4569);
const LOCAL_SQS_PORT = Number(process.env.LOCAL_SQS_PORT ?? 4576);

const log = (message: string) => console.log(`[dev] ${message}`);

/** What runs beside serverless-offline; stopped before it on shutdown. */
interface Companion {
  stop(): Promise<void>;
}

/** The HTTP routes the contracts declare, as serverless.yml serves them (the catch-all aside). */
const routeCount = () =>
  (createRequire(import.meta.url)('../deploy/routeList.cjs') as { routes(): string[] }).routes().length;

/** host:port/path of a connection string, without its credentials */
const whereIs = (url: string) => {
  const { host, pathname } = new URL(url);
  return `${host}${pathname === '/' ? '' : pathname}`;
};

async function prepareWriteSide(): Promise<void> {
  /** background: the store outlives this process (the default); foreground: it ends with it */
  const store = storeMode(process.env);
  await requireFreePorts({
    HTTP_PORT,
    LAMBDA_PORT,
    EVENTS_HTTP_PORT,
    EVENTS_LAMBDA_PORT,
    // a store in the background holds its own ports, and says so when another stack's has them
    ...(settings.DYNAMODB_ENDPOINT || store === 'background' ? {} : { LOCAL_DYNAMODB_PORT }),
    ...(settings.SQS_ENDPOINT || store === 'background' ? {} : { LOCAL_SQS_PORT }),
  });
  await requirePostgres(await databaseUrl());
  await requireRabbitMq(await brokerUrl());
  const { migrations } = await prepareLocalBackend({
    databaseUrl: await databaseUrl(),
    brokerUrl: await brokerUrl(),
    exchange: settings.EVENTS_EXCHANGE,
    log: options.verbose ? log : undefined,
  });
  log(
    `PostgreSQL: ${whereIs(await databaseUrl())} (${migrations.length ? `applied ${migrations.join(', ')}` : 'schema up to date'}; a role per job)`,
  );
  log(`RabbitMQ: ${whereIs(await brokerUrl())} (topology ready; a user per job)`);
}

async function prepareReadSide() {
  const aws = await startReadSide(
    {
      projectRoot,
      databaseUrl: await databaseUrl(),
      prefix: settings.RESOURCE_PREFIX,
      region: settings.AWS_REGION,
      dynamoDbEndpoint: settings.DYNAMODB_ENDPOINT,
      sqsEndpoint: settings.SQS_ENDPOINT,
      dynamoDbPort: LOCAL_DYNAMODB_PORT,
      sqsPort: LOCAL_SQS_PORT,
      // on disk, dynalite sometimes answers a read with an old version of an item while scans or
      // queries run (decision 0018): in memory unless asked
      dynamoDbPath: process.env.DYNALITE_PATH || undefined,
      fresh: options.fresh,
      exitWith: Number(process.env.LOCAL_STORE_EXIT_WITH) || undefined,
      log,
    },
    process.env,
  );
  log(
    `read models: DynamoDB ${aws.dynamoDbEndpoint}, SQS ${aws.sqsEndpoint}, tables ${settings.RESOURCE_PREFIX}-*`,
  );
  // /health and sync-status read the relay's head from DynamoDB, which the relay copies after it
  // publishes: copied now, they know how far the read models are behind from the first request
  const pool = createPool(await databaseUrl(), 1);
  try {
    await writeStreamHead(await readRelayProgress(pool));
  } finally {
    await pool.end();
  }
  return aws;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
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

/** One serverless-offline process, serving every function on its own pair of ports. */
interface OfflineInstance {
  httpPort: number;
  lambdaPort: number;
  /** serverless-esbuild's work folder; each instance bundles into its own */
  workFolder: string;
}

function startOffline(env: NodeJS.ProcessEnv, instance: OfflineInstance): ChildProcess {
  const serverlessBin = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  // e.g. OFFLINE_NODE_ARGS='--cpu-prof --cpu-prof-dir=.local/profiles' to profile the Lambdas
  const nodeArgs = process.env.OFFLINE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(
    process.execPath,
    [
      ...nodeArgs,
      serverlessBin,
      'offline',
      'start',
      '--stage',
      STAGE,
      '--httpPort',
      String(instance.httpPort),
      '--lambdaPort',
      String(instance.lambdaPort),
      // in-process: one module scope, so one PostgreSQL pool, however many requests are in flight
      // (decision 0005); OFFLINE_WORKER_THREADS=1 restores serverless-offline's default
      ...(process.env.OFFLINE_WORKER_THREADS === '1' ? [] : ['--useInProcess']),
      // serverless-offline would check only a token's claims, not its signature: the Lambdas check
      // tokens themselves when authentication is on (functions/shared/http/authentication.ts)
      '--noAuth',
    ],
    {
      stdio: ['ignore', options.verbose ? 'inherit' : 'pipe', options.verbose ? 'inherit' : 'pipe'],
      // BUNDLES=local: every package from node_modules, once for every function (serverless.yml)
      env: {
        ...env,
        SLS_TELEMETRY_DISABLED: '1',
        ESBUILD_WORK_FOLDER: instance.workFolder,
        BUNDLES: 'local',
        // serverless-offline's route boxes and per-invocation lines only with --verbose
        ...(options.verbose ? {} : { SLS_LOG_LEVEL: 'warning' }),
        // the Lambdas' metric lines (EMF, for CloudWatch) too, unless asked for
        POWERTOOLS_METRICS_DISABLED: env.POWERTOOLS_METRICS_DISABLED ?? String(!options.verbose),
      },
    },
  );
  if (!options.verbose) {
    // the Lambdas' JSON logs as short lines (devLog.ts)
    for (const [stream, write] of [
      [child.stdout!, (line: string) => console.log(line)],
      [child.stderr!, (line: string) => console.error(line)],
    ] as const) {
      createInterface({ input: stream }).on('line', (line) => {
        const shown = line.trim() === '' ? undefined : presentLogLine(line);
        if (shown !== undefined) write(shown);
      });
    }
  }
  return child;
}

/**
 * A bridge per stream: each partition's queue feeds its projector, as a mapping of its own would,
 * signed in as the projection's broker user (which may consume its queues and nothing else).
 */
function startProjectorBridges(lambdaEndpoint: string, adminUrl: string): Companion[] {
  return allStreams().map(({ name: queue, projection }) => {
    const source = projectionCatalog[projection];
    return startQueueBridge({
      rabbitmqUrl: localJobBrokerUrl(adminUrl, projection),
      queue,
      batchSize: source.batchSize,
      maximumBatchingWindowMs: source.maximumBatchingWindowSeconds * 1000,
      eventSourceArn: `arn:aws:mq:${settings.AWS_REGION}:000000000000:broker:local`,
      invoke: lambdaInvoker(lambdaEndpoint, `${SERVICE}-${STAGE}-${projection}Projector`),
      log: (message) => log(`${queue} bridge: ${message}`),
    });
  });
}

/**
 * Asks the operator's function (republishEvents) to re-publish what each projector is missing from
 * its stream (all of it, when the read models start empty), in parts of HEAL_GAPS_LIMIT: the next part
 * of a stream as soon as its projector has applied the last. (The relay would send it too, but only
 * after HEAL_GAPS_AFTER_MS: it did not send the part before, so it cannot tell it from a lost one.)
 */
async function refillReadModels(lambdaEndpoint: string): Promise<void> {
  const lambda = createLambdaClient({ AWS_REGION: settings.AWS_REGION, LAMBDA_ENDPOINT: lambdaEndpoint });
  const heal = async (projectors?: ProjectionName[]): Promise<HealedRange[]> => {
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: `${SERVICE}-${STAGE}-republishEvents`,
        Payload: Buffer.from(
          JSON.stringify({ heal: projectors ? { projectors } : {} } satisfies HealRequest),
        ),
      }),
    );
    const answer = Buffer.from(result.Payload ?? new Uint8Array()).toString('utf8');
    if (result.FunctionError) throw new Error(answer.slice(0, 300));
    return (JSON.parse(answer) as { healed: HealedRange[] }).healed;
  };
  try {
    let healed = await heal();
    const events = healed.reduce((sum, range) => sum + range.to - range.from + 1, 0);
    if (events > 0) log(`read models: refilling from the event log (${events} events re-published)`);
    for (
      let cut = healed.filter((range) => range.cut);
      cut.length > 0;
      cut = healed.filter((range) => range.cut)
    ) {
      const streams = cut.map((range) => streamNamed(range.stream)!);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const { streams: progress } = await readProgress(streams);
        if (progress.every(({ checkpoint }, index) => (checkpoint?.sequence ?? 0) >= cut[index]!.to)) break;
        // a projector that stopped short is the relay's to heal
        if (Date.now() > deadline) return;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      healed = await heal([...new Set(streams.map((stream) => stream.projection))]);
    }
  } catch (error) {
    // the relay's own healing refills them later; say why it did not happen now
    log(`read models: could not refill now (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    lambda.destroy();
  }
}

/**
 * Waits until the read models have applied every event of the log, with a progress bar. The relay is
 * woken every second meanwhile: it re-publishes what a projector lacks in parts (HEAL_GAPS_LIMIT), the
 * next as soon as the last is applied, which it sees only when it runs.
 */
async function catchUp(wakeRelay: () => void): Promise<void> {
  const pool = createPool(await databaseUrl(), 2);
  const nudge = setInterval(wakeRelay, 1_000);
  try {
    const { events, seconds } = await waitUntilCurrent({ pool, log });
    log(
      events === 0
        ? 'read models: current'
        : `read models: current (${events} events applied in ${seconds.toFixed(1)} s)`,
    );
  } finally {
    clearInterval(nudge);
    await pool.end();
  }
}

/**
 * With LOCAL_AUTH=on, a test issuer whose tokens protected routes then require, as in the cloud;
 * with AUTH_ISSUER_URL given, that issuer's; otherwise the local stack is open.
 */
async function startLocalAuthentication(): Promise<{ env: NodeJS.ProcessEnv; companion?: Companion }> {
  if (settings.AUTH_ISSUER_URL) {
    log(`authentication: tokens from ${settings.AUTH_ISSUER_URL} for ${settings.AUTH_AUDIENCE.join(', ')}`);
    return { env: {} };
  }
  if (process.env.LOCAL_AUTH !== 'on') {
    log('authentication: off (LOCAL_AUTH=on requires tokens from a local test issuer)');
    return { env: {} };
  }
  const issuer = await startTestIssuer({
    port: Number(process.env.AUTH_ISSUER_PORT ?? 3010),
    audience: settings.AUTH_AUDIENCE[0]!,
  });
  log(`authentication: on; a token: curl -s -X POST ${issuer.url}/token -d '{"sub":"alice"}'`);
  return { env: { AUTH_ISSUER_URL: issuer.url }, companion: issuer };
}

async function main(): Promise<void> {
  await prepareWriteSide();
  const aws = await prepareReadSide();
  const authentication = await startLocalAuthentication();
  const companions: Companion[] = authentication.companion ? [authentication.companion] : [];
  const env = {
    // in-process, one pool serves every request in flight, not one request as in a Lambda container:
    // 8 connections measured 390 orders/s against 324 with 4 (decision 0009)
    PG_POOL_MAX: '8',
    // the relay LISTENs here; a deployed stage wakes it with an asynchronous invoke instead
    RELAY_WAKE: 'notify',
    // the Lambdas reach the token issuer themselves; in a deployed stage the VPC's ask issuerKeys
    AUTH_KEYS_FROM: 'issuer',
    ...process.env,
    DYNAMODB_ENDPOINT: aws.dynamoDbEndpoint,
    SQS_ENDPOINT: aws.sqsEndpoint,
    RESOURCE_PREFIX: settings.RESOURCE_PREFIX,
    ...authentication.env,
  };
  // In-process, all Lambdas of one instance share one event loop, so one core. The HTTP API and the
  // event-driven Lambdas (relay, projectors) run in two instances, on both cores (decision 0006).
  const offlines = [
    startOffline(env, { httpPort: HTTP_PORT, lambdaPort: LAMBDA_PORT, workFolder: WORK_FOLDER }),
    startOffline(env, {
      httpPort: EVENTS_HTTP_PORT,
      lambdaPort: EVENTS_LAMBDA_PORT,
      workFolder: `${WORK_FOLDER}-events`,
    }),
  ];
  const shutdown = async (code: number) => {
    await Promise.all(companions.map((companion) => companion.stop()));
    for (const offline of offlines) if (offline.exitCode === null) offline.kill('SIGTERM');
    await aws.stop();
    if (aws.store) {
      log(
        `the read models stay in the store (process ${aws.store.pid}, DynamoDB ${aws.dynamoDbEndpoint}) ` +
          'for the next start; npm run dev:stop stops it, npm run dev -- --fresh starts clean',
      );
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  for (const offline of offlines) {
    offline.on('exit', (code) => {
      log(`serverless-offline exited (${code ?? 'signal'})`);
      void shutdown(code ?? 1);
    });
  }

  await Promise.all([
    waitForHttp(`http://127.0.0.1:${HTTP_PORT}/health`, offlines[0]!, 120_000),
    waitForHttp(`http://127.0.0.1:${EVENTS_HTTP_PORT}/health`, offlines[1]!, 120_000),
  ]);
  const eventsLambdaEndpoint = `http://127.0.0.1:${EVENTS_LAMBDA_PORT}`;
  const relay = startRelayWakeup({
    databaseUrl: await databaseUrl(),
    lambdaEndpoint: eventsLambdaEndpoint,
    functionName: `${SERVICE}-${STAGE}-relayEvents`,
    scheduleMs: RELAY_SCHEDULE_MS,
    log,
  });
  companions.push(relay, ...startProjectorBridges(eventsLambdaEndpoint, await brokerUrl()));
  if (HEAL_AT_START) {
    await Promise.all([refillReadModels(eventsLambdaEndpoint), catchUp(() => relay.wake())]);
  }
  log(
    `ready: http://localhost:${HTTP_PORT}, ${routeCount()} routes, described at ` +
      `http://localhost:${HTTP_PORT}/openapi.json (a reference to try them: http://localhost:${HTTP_PORT}/docs)` +
      (options.verbose ? '' : '; a line per request and per projector batch follows (--verbose: everything)'),
  );
}

main().catch((error: unknown) => {
  if (error instanceof UnreachableDependencyError) console.error(`[dev] ${error.message}`);
  else console.error('[dev] failed to start:', error);
  process.exit(1);
});
