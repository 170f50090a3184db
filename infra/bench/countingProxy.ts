// A TCP pass-through on loopback that shows a reader every byte a client sends (never the service's
// answers, never changed, never delayed): the cost phase's proxies in front of PostgreSQL and
// RabbitMQ count the protocol's messages with it, without reconfiguring the shared services (which
// have neither pg_stat_statements nor the management plugin here).
import { connect, createServer, type Socket } from 'node:net';

export interface CountingProxy {
  port: number;
  /** `serviceUrl` with its host and port replaced by the proxy's */
  urlFor(serviceUrl: string): string;
  close(): Promise<void>;
}

/** `readerFor` is called once per connection; the reader it returns gets the client's bytes in order. */
export async function startCountingProxy(
  target: { host: string; port: number },
  readerFor: () => (chunk: Buffer) => void,
): Promise<CountingProxy> {
  const open = new Set<Socket>();
  const server = createServer((client) => {
    const service = connect(target.port, target.host);
    const read = readerFor();
    open.add(client).add(service);
    const close = () => {
      open.delete(client);
      open.delete(service);
      client.destroy();
      service.destroy();
    };
    client.on('error', close).on('close', close);
    service.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => {
      // counting must never break the connection it watches
      try {
        read(chunk);
      } catch {
        // an unreadable stream is left uncounted from here on (the reader says so)
      }
    });
    client.pipe(service);
    service.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    port,
    urlFor(serviceUrl) {
      const url = new URL(serviceUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString().replace(/\/$/, '');
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
