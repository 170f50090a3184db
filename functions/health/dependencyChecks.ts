// Reachability checks of each dependency, each bounded in time.
import amqp from 'amqplib';
import type pg from 'pg';

export interface DependencyStatus {
  status: 'up' | 'down' | 'not_configured';
  latencyMs?: number;
  error?: string;
}

const TIMEOUT_MS = 2_000;

async function timed(check: () => Promise<unknown>): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // the error's message says what failed (refused, timed out); it holds no secret
    return { status: 'down', error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

// each takes how to reach its dependency, not a connection: fetching a secret is part of the check
export const checkPostgres = (pool: () => Promise<pg.Pool>) =>
  timed(async () => (await pool()).query('SELECT 1'));

export const checkRabbitMq = (url: () => Promise<string>, exchange: string) =>
  timed(async () => {
    const connection = await amqp.connect(await url(), { timeout: TIMEOUT_MS });
    try {
      const channel = await connection.createChannel();
      await channel.checkExchange(exchange);
    } finally {
      await connection.close().catch(() => undefined);
    }
  });

export const checkHttpEndpoint = (endpoint: string | undefined) =>
  endpoint === undefined
    ? Promise.resolve<DependencyStatus>({ status: 'not_configured' })
    : timed(async () => {
        await fetch(endpoint, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      });
