// The stack the benchmark measures: `npm run dev`'s own start script, on a database and a RabbitMQ
// virtual host of its own, an in-memory DynamoDB in the foreground (gone with the stack) and free
// ports, so a running `npm run dev` and its data are left alone.
import { startDevProcess } from '../local/devProcess.ts';
import { createIsolatedDatabase, createIsolatedVirtualHost } from '../local/isolatedBackend.ts';

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
  const [database, vhost] = await Promise.all([
    createIsolatedDatabase(`bench_${label}`, server.postgresUrl),
    createIsolatedVirtualHost(`bench_${label}`, server.rabbitmqUrl),
  ]);
  return {
    databaseUrl: database.url,
    rabbitmqUrl: vhost.url,
    async drop() {
      await Promise.all([database.drop(), vhost.delete().catch(() => undefined)]);
    },
  };
}

export interface StackPorts {
  http: number;
  lambda: number;
  /** the serverless-offline instance of the relay and the projectors */
  eventsHttp: number;
  eventsLambda: number;
  dynamoDb: number;
  sqs: number;
}

export interface BenchStack {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts infra/local/start.ts on `backend` and resolves once it says it is ready. */
export async function startBenchStack(
  backend: BenchBackend,
  ports: StackPorts,
  resourcePrefix: string,
  env: NodeJS.ProcessEnv = {},
  /** verbose: serverless-offline's line per invocation (and the Lambdas' metrics), each to `onLine` */
  output: { verbose?: boolean; onLine?: (line: string) => void } = {},
): Promise<BenchStack> {
  const args = ['--import', 'tsx', 'infra/local/start.ts', ...(output.verbose ? ['--verbose'] : [])];
  const dev = await startDevProcess(
    process.execPath,
    args,
    {
      ...process.env,
      DATABASE_URL: backend.databaseUrl,
      RABBITMQ_URL: backend.rabbitmqUrl,
      HTTP_PORT: String(ports.http),
      LAMBDA_PORT: String(ports.lambda),
      EVENTS_HTTP_PORT: String(ports.eventsHttp),
      EVENTS_LAMBDA_PORT: String(ports.eventsLambda),
      LOCAL_DYNAMODB_PORT: String(ports.dynamoDb),
      LOCAL_SQS_PORT: String(ports.sqs),
      DYNALITE_PATH: '',
      // ends with the stack: every phase starts empty, and a benchmark leaves nothing running
      LOCAL_STORE: 'foreground',
      RESOURCE_PREFIX: resourcePrefix,
      // the endpoints the benchmark itself uses must not leak into the stack: it starts its own
      DYNAMODB_ENDPOINT: '',
      SQS_ENDPOINT: '',
      ...env,
    },
    { onLine: output.onLine },
  );
  return { baseUrl: `http://127.0.0.1:${ports.http}`, stop: dev.stop };
}
