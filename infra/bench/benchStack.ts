// The stack the benchmark measures: `npm run dev`'s own start script, on a database and a RabbitMQ
// virtual host of its own, an in-memory DynamoDB and free ports, so a running `npm run dev` and its
// data are left alone.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import pg from 'pg';
import { migrateDatabase } from '../postgres/migrations.ts';
import { setupTopology } from '../rabbitmq/topology.ts';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface BenchBackend {
  databaseUrl: string;
  rabbitmqUrl: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database and a virtual host with the topology, named after `label`. */
export async function createBenchBackend(
  label: string,
  server: { postgresUrl: string; rabbitmqUrl: string },
): Promise<BenchBackend> {
  const name = `bench_${label}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const databaseUrl = `${server.postgresUrl}/${name}`;
  await migrateDatabase(databaseUrl);
  // virtual hosts are created with rabbitmqctl: the benchmark runs on the broker's machine
  await run('rabbitmqctl', ['-q', 'add_vhost', name]);
  await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, 'guest', '.*', '.*', '.*']);
  const rabbitmqUrl = `${server.rabbitmqUrl}/${encodeURIComponent(name)}`;
  const connection = await amqp.connect(rabbitmqUrl);
  try {
    await setupTopology(await connection.createChannel());
  } finally {
    await connection.close();
  }
  return {
    databaseUrl,
    rabbitmqUrl,
    async drop() {
      await run('rabbitmqctl', ['-q', 'delete_vhost', name]).catch(() => undefined);
      const admin = new pg.Client({ connectionString: `${server.postgresUrl}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export interface StackPorts {
  http: number;
  lambda: number;
  dynamoDb: number;
  sqs: number;
}

export interface BenchStack {
  baseUrl: string;
  /** the process ids of the stack's processes, for the CPU profile */
  pids(): number[];
  stop(): Promise<void>;
}

/** Starts infra/dev/start.ts on `backend` and resolves once it says it is ready. */
export async function startBenchStack(
  backend: BenchBackend,
  ports: StackPorts,
  resourcePrefix: string,
): Promise<BenchStack> {
  let output = '';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'infra/dev/start.ts'], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: backend.databaseUrl,
      RABBITMQ_URL: backend.rabbitmqUrl,
      HTTP_PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      LOCAL_DYNAMODB_PORT: String(ports.dynamoDb),
      LOCAL_SQS_PORT: String(ports.sqs),
      DYNALITE_PATH: '',
      RESOURCE_PREFIX: resourcePrefix,
      // the endpoints the benchmark itself uses must not leak into the stack: it starts its own
      DYNAMODB_ENDPOINT: '',
      SQS_ENDPOINT: '',
    },
  });
  // keep only the tail: serverless-offline prints a line per invocation
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
  };
  const deadline = Date.now() + 180_000;
  while (!output.includes('[dev] ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the stack did not become ready:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    baseUrl: `http://127.0.0.1:${ports.http}`,
    pids: () => (child.pid ? [child.pid] : []),
    stop,
  };
}
