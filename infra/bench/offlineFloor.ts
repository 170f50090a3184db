// The floor under every HTTP figure: serverless-offline run as `npm run dev` runs it (in-process),
// serving one Lambda that does nothing (infra/bench/offlineFloor/). No route of the real stack can
// answer more requests per second than this on the same machine.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startDevProcess } from '../local/devProcess.ts';
import { runLoad, type LoadResult } from './httpLoad.ts';

const serviceDirectory = fileURLToPath(new URL('./offlineFloor', import.meta.url));

/** `measure` wraps the measured load, while serverless-offline runs (the benchmark's CPU accounting). */
export async function measureOfflineFloor(
  ports: { http: number; lambda: number },
  seconds: number,
  measure: (work: () => Promise<LoadResult>) => Promise<LoadResult> = (work) => work(),
): Promise<LoadResult> {
  const serverlessBin = createRequire(import.meta.url).resolve('serverless/bin/serverless.js');
  const offline = await startDevProcess(
    process.execPath,
    [
      serverlessBin,
      'offline',
      'start',
      '--useInProcess',
      '--httpPort',
      String(ports.http),
      '--lambdaPort',
      String(ports.lambda),
    ],
    { ...process.env, SLS_TELEMETRY_DISABLED: '1' },
    { cwd: serviceDirectory, readyLine: 'Server ready:', readyTimeoutMs: 60_000 },
  );
  try {
    const load = {
      baseUrl: `http://127.0.0.1:${ports.http}`,
      connections: 32,
      nextRequest: () => ({ method: 'GET' as const, path: '/nothing' }),
    };
    await runLoad({ ...load, seconds: 3, label: 'floor warm-up' });
    return await measure(() => runLoad({ ...load, seconds, label: 'floor: a Lambda doing nothing' }));
  } finally {
    await offline.stop();
  }
}
