// Reachability checks of each dependency, each bounded in time.
import net from 'node:net';
import tls from 'node:tls';
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

/** AMQP 0-9-1's protocol header: a broker answers it with connection.start, before any login. */
const AMQP_HEADER = Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 0, 9, 1]);
/** connection.start: a method frame (type 1) on channel 0, class 10, method 10 */
const isConnectionStart = (frame: Buffer) =>
  frame.length >= 11 && frame[0] === 1 && frame.readUInt16BE(1) === 0 && frame.readUInt32BE(7) === 0x000a000a;

/**
 * The broker answers AMQP at `address` (`amqp://host:port` or `amqps://…`): it greets the protocol
 * header with connection.start, and the check leaves before logging in, so it needs no credential.
 */
export const checkBrokerAnswers = (address: () => string) =>
  timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const url = new URL(address());
        const secure = url.protocol === 'amqps:';
        const port = Number(url.port) || (secure ? 5671 : 5672);
        const socket = secure
          ? tls.connect({ host: url.hostname, port, servername: url.hostname })
          : net.connect({ host: url.hostname, port });
        socket.setTimeout(TIMEOUT_MS, () =>
          socket.destroy(new CheckTimeout(`no answer within ${TIMEOUT_MS} ms`)),
        );
        socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(AMQP_HEADER));
        socket.once('data', (frame: Buffer) => {
          socket.destroy();
          if (isConnectionStart(frame)) resolve();
          else reject(new Error('the broker did not answer AMQP 0-9-1'));
        });
        socket.once('error', reject);
        socket.once('close', () => reject(new Error('the broker closed the connection')));
      }),
  );

export const checkHttpEndpoint = (endpoint: string | undefined) =>
  endpoint === undefined
    ? Promise.resolve<DependencyStatus>({ status: 'not_configured' })
    : timed(async () => {
        await fetch(endpoint, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      });
