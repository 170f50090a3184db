// Reachability checks of each dependency, each bounded in time.
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
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

/** AMQP 0-9-1's protocol header: a broker that speaks it answers with connection.start. */
const AMQP_PROTOCOL_HEADER = Buffer.from('AMQP\x00\x00\x09\x01', 'latin1');

/**
 * Whether `frame` begins with connection.start: a method frame (type 1) on channel 0, a 4-byte size,
 * then class 10 (connection) and method 10 (start).
 */
const isConnectionStart = (frame: Buffer) =>
  frame.length >= 11 &&
  frame[0] === 1 &&
  frame.readUInt16BE(1) === 0 &&
  frame.readUInt16BE(7) === 10 &&
  frame.readUInt16BE(9) === 10;

/**
 * Whether the broker answers, without a broker user: the protocol header, the broker's
 * connection.start, then the socket is closed before anyone signs in. A TCP connect alone would
 * prove only that something listens (a load balancer in front of a stopped broker accepts one too);
 * signing in would make health hold a broker credential, and each broker user does one job. RabbitMQ
 * logs the early close as a client that left during the handshake.
 */
export const checkRabbitMq = (address: () => { tls: boolean; host: string; port: number }) =>
  timed(
    () =>
      new Promise<void>((resolve, reject) => {
        const { tls, host, port } = address();
        const socket: Socket = tls
          ? connectTls({ host, port, servername: host })
          : connectTcp({ host, port });
        let received = Buffer.alloc(0);
        let settled = false;
        const settle = (error?: Error) => {
          if (settled) return;
          settled = true;
          socket.destroy();
          if (error) reject(error);
          else resolve();
        };
        socket.once(tls ? 'secureConnect' : 'connect', () => socket.write(AMQP_PROTOCOL_HEADER));
        socket.on('data', (chunk: Buffer) => {
          received = Buffer.concat([received, chunk]);
          if (received.length < 11) return;
          settle(isConnectionStart(received) ? undefined : new Error('the broker does not speak AMQP 0-9-1'));
        });
        socket.on('error', settle);
        socket.once('close', () => settle(new Error('the broker closed the connection')));
        // timed() stops waiting at its timeout; the socket must not outlive it
        socket.setTimeout(TIMEOUT_MS, () => settle(new CheckTimeout(`no answer within ${TIMEOUT_MS} ms`)));
      }),
  );

export const checkHttpEndpoint = (endpoint: string | undefined) =>
  endpoint === undefined
    ? Promise.resolve<DependencyStatus>({ status: 'not_configured' })
    : timed(async () => {
        await fetch(endpoint, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      });
