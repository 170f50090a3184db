// Runs the packaged functions as Lambda runs them: each function's zip unpacked alone in a directory
// of its own (no node_modules beside or above it), started on this machine's Node, which must be the
// major of the template's runtime, with exactly the environment the template gives the function plus
// what the Lambda runtime defines. One container per function, one invocation at a time, as Lambda
// gives each container; a container that times out is killed, and the next invocation starts cold.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import JSZip from 'jszip';
import { REGION, type CloudFunction } from './cloudTemplate.ts';

const bootstrap = fileURLToPath(new URL('./lambdaBootstrap.mjs', import.meta.url));

export interface InvocationError {
  errorType: string;
  errorMessage: string;
  stack?: string[];
}

export class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly error: InvocationError,
  ) {
    super(`${functionName} failed: ${error.errorType}: ${error.errorMessage}`);
  }
}

export interface RuntimeOptions {
  packageDirectory: string;
  /** where the zips are unpacked, one directory each */
  workDirectory: string;
  /** the endpoint every AWS SDK call goes to (the tier's stand-in for AWS's network) */
  awsEndpoint: string;
  /** the access key each function signs with: how the stand-in knows whose role to check */
  accessKeyOf: (fn: CloudFunction) => string;
  /** the certificate authorities the runtime trusts, in place of /var/runtime/ca-cert.pem */
  caFile: string;
  /** where a function with active tracing sends its segments (the X-Ray daemon's UDP address) */
  xrayDaemonAddress: string;
  /** each line a function prints */
  log: (functionName: string, line: string) => void;
}

interface Container {
  child: ChildProcess;
  ready: Promise<{ initMs: number; error?: InvocationError }>;
}

/** The variables the Lambda Node.js runtime defines (Lambda developer guide, "Defined runtime environment variables"). */
function runtimeEnvironment(
  fn: CloudFunction,
  taskRoot: string,
  accessKeyId: string,
): Record<string, string> {
  return {
    _HANDLER: fn.handler,
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: `cloud-tier/${randomUUID()}`,
    AWS_ACCESS_KEY_ID: accessKeyId,
    AWS_SECRET_ACCESS_KEY: 'cloud-tier-secret',
    AWS_SESSION_TOKEN: 'cloud-tier-session',
    LAMBDA_TASK_ROOT: taskRoot,
    LAMBDA_RUNTIME_DIR: '/var/runtime',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    PATH: '/usr/local/bin:/usr/bin/:/bin',
    // the runtime's own module path (/var/runtime/node_modules holds an AWS SDK of Lambda's choosing):
    // the bundles must not need it, so the tier provides nothing there
    NODE_PATH: `/opt/nodejs/node24/node_modules:/opt/nodejs/node_modules:${taskRoot}`,
  };
}

export function lambdaRuntime(options: RuntimeOptions) {
  const containers = new Map<string, Container>();
  /** each function's invocations, one after another */
  const queues = new Map<string, Promise<unknown>>();
  const unpacked = new Map<string, Promise<string>>();
  /** the trace header each invocation of a traced function was given */
  const traces: { functionName: string; traceId: string }[] = [];

  const unpack = (fn: CloudFunction) => {
    let directory = unpacked.get(fn.name);
    if (!directory) {
      directory = (async () => {
        const target = `${options.workDirectory}/${fn.name}`;
        const zip = await JSZip.loadAsync(await readFile(`${options.packageDirectory}/${fn.zip}`));
        for (const entry of Object.values(zip.files)) {
          if (entry.dir) continue;
          await mkdir(dirname(`${target}/${entry.name}`), { recursive: true });
          await writeFile(`${target}/${entry.name}`, await entry.async('nodebuffer'));
        }
        return target;
      })();
      unpacked.set(fn.name, directory);
    }
    return directory;
  };

  async function start(fn: CloudFunction): Promise<Container> {
    const major = /^nodejs(\d+)\.x$/.exec(fn.runtime)?.[1];
    if (major !== process.versions.node.split('.')[0]) {
      throw new Error(`${fn.name} runs on ${fn.runtime}, and this tier on Node ${process.versions.node}`);
    }
    const taskRoot = await unpack(fn);
    const env: Record<string, string> = {
      ...fn.environment,
      ...runtimeEnvironment(fn, taskRoot, options.accessKeyOf(fn)),
      AWS_ENDPOINT_URL: options.awsEndpoint,
    };
    // the runtime's CA bundle, which the template points NODE_EXTRA_CA_CERTS at, is the tier's CA here
    if (env.NODE_EXTRA_CA_CERTS) env.NODE_EXTRA_CA_CERTS = options.caFile;
    // with active tracing Lambda runs an X-Ray daemon beside the function and says where
    if (fn.tracing === 'Active') {
      env.AWS_XRAY_DAEMON_ADDRESS = options.xrayDaemonAddress;
      env._AWS_XRAY_DAEMON_ADDRESS = options.xrayDaemonAddress.split(':')[0]!;
      env._AWS_XRAY_DAEMON_PORT = options.xrayDaemonAddress.split(':')[1]!;
      env.AWS_XRAY_CONTEXT_MISSING = 'LOG_ERROR';
    }
    const child = fork(bootstrap, [], {
      cwd: taskRoot,
      env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop()!;
        for (const line of lines) options.log(fn.name, line);
      });
    }
    const ready = new Promise<{ initMs: number; error?: InvocationError }>((resolve, reject) => {
      child.once('message', (message: { type: string; initMs: number; error?: InvocationError }) =>
        resolve(message),
      );
      child.once('exit', (code) => reject(new Error(`${fn.name} exited (${code}) during its cold start`)));
    });
    const container: Container = { child, ready };
    child.once('exit', () => {
      if (containers.get(fn.name) === container) containers.delete(fn.name);
    });
    containers.set(fn.name, container);
    return container;
  }

  async function invokeOnce(fn: CloudFunction, event: unknown): Promise<unknown> {
    const container = containers.get(fn.name) ?? (await start(fn));
    const init = await container.ready;
    if (init.error) {
      container.child.kill();
      throw new FunctionError(fn.name, init.error);
    }
    const id = randomUUID();
    const deadline = Date.now() + fn.timeoutSeconds * 1000;
    // each invocation of a traced function has its trace header, sampled, as Lambda gives it
    const traceId =
      fn.tracing === 'Active'
        ? `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};` +
          `Parent=${randomBytes(8).toString('hex')};Sampled=1`
        : undefined;
    if (traceId) traces.push({ functionName: fn.name, traceId });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        container.child.kill('SIGKILL');
        reject(
          new FunctionError(fn.name, {
            errorType: 'Sandbox.Timedout',
            errorMessage: `Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
          }),
        );
      }, fn.timeoutSeconds * 1000);
      const onMessage = (message: {
        type: string;
        id: string;
        result?: unknown;
        error?: InvocationError;
      }) => {
        if (message.type !== 'result' || message.id !== id) return;
        cleanup();
        if (message.error) reject(new FunctionError(fn.name, message.error));
        else resolve(message.result);
      };
      const onExit = (code: number | null) => {
        cleanup();
        reject(
          new FunctionError(fn.name, {
            errorType: 'Runtime.ExitError',
            errorMessage: `the process exited (${code}) during the invocation`,
          }),
        );
      };
      const cleanup = () => {
        clearTimeout(timer);
        container.child.off('message', onMessage);
        container.child.off('exit', onExit);
      };
      container.child.on('message', onMessage);
      container.child.once('exit', onExit);
      container.child.send({ id, event, deadline, functionArn: fn.arn, traceId });
    });
  }

  return {
    traces,
    /** Runs `event` through the function, after whatever its container is running now. */
    invoke(fn: CloudFunction, event: unknown): Promise<unknown> {
      const result = (queues.get(fn.name) ?? Promise.resolve()).then(() => invokeOnce(fn, event));
      queues.set(
        fn.name,
        result.catch(() => undefined),
      );
      return result;
    },
    /** A cold start alone: the module's top-level code, and how long it took. */
    async coldStart(fn: CloudFunction): Promise<{ initMs: number; error?: InvocationError }> {
      containers.get(fn.name)?.child.kill();
      const container = await start(fn);
      return container.ready;
    },
    async stop() {
      const exits = [...containers.values()].map(
        (container) => new Promise((resolve) => container.child.once('exit', resolve)),
      );
      for (const container of containers.values()) container.child.kill();
      await Promise.all(exits);
    },
  };
}
