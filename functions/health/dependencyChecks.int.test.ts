// The broker check against the machine's RabbitMQ and against servers that are not one: it proves an
// AMQP 0-9-1 broker answers without signing in, and says why not otherwise, by a code or `unavailable`.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRabbitMq } from './dependencyChecks.ts';

const BROKER = new URL(`amqp://${process.env.TEST_RABBITMQ_HOST ?? 'guest:guest@127.0.0.1:5672'}`);
const servers: Server[] = [];
const sockets = new Set<Socket>();

/** A TCP server on a free port that answers each connection with `reply` (or nothing). */
async function fakeServer(reply?: Buffer): Promise<number> {
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('data', () => {
      if (reply) socket.end(reply);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  sockets.clear();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

const at = (port: number) => () => ({ tls: false, host: '127.0.0.1', port });

describe('checkRabbitMq', () => {
  it('finds the broker up from its connection.start, with no user to sign in with', async () => {
    const result = await checkRabbitMq(at(Number(BROKER.port) || 5672));
    expect(result).toMatchObject({ status: 'up', latencyMs: expect.any(Number) });
  });

  it('finds down what listens but is no AMQP broker, and what refuses', async () => {
    const http = await fakeServer(Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'));
    expect(await checkRabbitMq(at(http))).toEqual({ status: 'down', error: 'unavailable' });
    const refused = await fakeServer();
    await new Promise((resolve) => servers.pop()!.close(resolve));
    expect(await checkRabbitMq(at(refused))).toEqual({ status: 'down', error: 'ECONNREFUSED' });
  });

  it('gives up on a silent listener after its timeout', async () => {
    const silent = await fakeServer();
    const result = await checkRabbitMq(at(silent));
    expect(result).toEqual({ status: 'down', error: 'no answer within 2000 ms' });
  });
});
