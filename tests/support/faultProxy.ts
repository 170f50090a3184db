// A TCP proxy in the test process that the stack under test connects through, so that a test can
// fail the network between the project and a shared service (the machine's PostgreSQL or RabbitMQ)
// without stopping, restarting or reconfiguring the service itself: refuse new connections, cut the
// open ones, stall them, or slow them down. Written here (about a hundred lines of node:net) because
// toxiproxy, the usual tool, is a server of its own that neither npm nor Debian's packages provide.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface FaultProxy {
  /** where clients connect instead of the service */
  port: number;
  /** `serviceUrl` with its host and port replaced by the proxy's */
  urlFor(serviceUrl: string): string;
  /** new connections are refused (nothing listens on the port) until `accept()` */
  refuse(): Promise<void>;
  accept(): Promise<void>;
  /** every open connection is reset, as when the service or the network goes away */
  cut(): void;
  /** open and new connections stop passing bytes, both ways, until `resume()` */
  stall(): void;
  resume(): void;
  /** every chunk, both ways, is delayed by `ms` (0: no delay) */
  slow(ms: number): void;
  /** how many connections are open now */
  connections(): number;
  /** how many connections it has taken since it started */
  opened(): number;
  close(): Promise<void>;
}

interface Link {
  client: Socket;
  service: Socket;
}

export async function startFaultProxy(target: { host: string; port: number }): Promise<FaultProxy> {
  const links = new Set<Link>();
  let opened = 0;
  let stalled = false;
  let delayMs = 0;
  let server: Server | undefined;
  let port = 0;

  /** Forwards `from` to `to`, honouring the current stall and delay, keeping the order of chunks. */
  const forward = (from: Socket, to: Socket) => {
    let last = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const ready = last.then(async () => {
        while (stalled && !to.destroyed) await new Promise((resolve) => setTimeout(resolve, 20));
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      });
      last = ready.then(() => {
        if (!to.destroyed) to.write(chunk);
      });
    });
    from.on('end', () => void last.then(() => to.end()));
  };

  const onConnection = (client: Socket) => {
    opened += 1;
    const service = connect(target.port, target.host);
    const link = { client, service };
    links.add(link);
    const close = () => {
      links.delete(link);
      client.destroy();
      service.destroy();
    };
    client.on('error', close).on('close', close);
    service.on('error', close).on('close', close);
    forward(client, service);
    forward(service, client);
  };

  const listen = async () => {
    const next = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => resolve());
    });
    port = (next.address() as { port: number }).port;
    server = next;
  };
  const stopListening = async () => {
    const current = server;
    server = undefined;
    if (current) await new Promise<void>((resolve) => current.close(() => resolve()));
  };
  await listen();

  return {
    get port() {
      return port;
    },
    urlFor(serviceUrl) {
      const url = new URL(serviceUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.toString().replace(/\/$/, '');
    },
    async refuse() {
      // without waiting for the open connections: cut() decides what happens to them
      server?.close();
      server = undefined;
    },
    async accept() {
      if (!server) await listen();
    },
    cut() {
      for (const link of links) {
        link.client.resetAndDestroy();
        link.service.destroy();
      }
      links.clear();
    },
    stall() {
      stalled = true;
    },
    resume() {
      stalled = false;
    },
    slow(ms) {
      delayMs = ms;
    },
    connections: () => links.size,
    opened: () => opened,
    async close() {
      stalled = false;
      for (const link of links) {
        link.client.destroy();
        link.service.destroy();
      }
      links.clear();
      await stopListening();
    },
  };
}
