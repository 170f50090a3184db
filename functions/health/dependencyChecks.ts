// Reachability checks of each dependency, each bounded in time.
import amqp from 'amqplib';
import type pg from 'pg';
import { logger } from '../shared/logger.ts';

export interface DependencyStatus {
  status: 'up' | 'down' | 'not_configured';
  latencyMs?: number;
  error?: string;
}

const TIMEOUT_MS = 2_000;

/** Network failures a caller may be told about by name; anything else is only `unavailable`. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'EPIPE',
]);

class CheckTimeout extends Error {}

/**
 * What GET /health, a public route, may say of a failure: a timeout, a network error's code, or
 * `unavailable`. Never the message: fetching a secret is part of a check now, and its errors name
 * accounts, roles and ARNs. The whole error goes to the log.
 */
function publicReason(error: unknown): string {
  if (error instanceof CheckTimeout) return error.message;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && NETWORK_CODES.has(code) ? code : 'unavailable';
}

async function timed(check: () => Promise<unknown>): Promise<DependencyStatus> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    logger.warn('health check failed', { error });
    return { status: 'down', error: publicReason(error) };
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
