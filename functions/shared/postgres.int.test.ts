// What a pool sends when it connects, and what every session of a migrated database gets without
// asking: RDS Proxy refuses startup parameters it does not know, and pins a session that SETs one.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/support/testDatabase.ts';
import { createPool } from './postgres.ts';

/** The parameters of the first startup packet a client sends to a listener that answers nothing. */
async function startupParameters(
  connect: (url: string) => Promise<unknown>,
): Promise<Record<string, string>> {
  const sockets = new Set<Socket>();
  let received!: (parameters: Record<string, string>) => void;
  const parameters = new Promise<Record<string, string>>((resolve) => (received = resolve));
  const server = createServer((socket) => {
    sockets.add(socket);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      if (pending.length < 4 || pending.length < pending.readInt32BE(0)) return;
      // length, protocol version 3.0, then name\0value\0 pairs and a final \0
      const fields = pending
        .subarray(8, pending.readInt32BE(0) - 1)
        .toString('utf8')
        .split('\0');
      received(
        Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : []))),
      );
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const attempt = connect(`postgres://app@127.0.0.1:${port}/shop`).catch(() => undefined);
  try {
    return await parameters;
  } finally {
    await attempt;
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('a pool’s connection', () => {
  it('sends only the user, the database and the encoding at startup, with or without a password source', async () => {
    for (const password of [undefined, async () => 'from-the-secret']) {
      const sent = await startupParameters(async (url) => {
        const each = createPool(url, 1, password);
        try {
          await each.query('SELECT 1');
        } finally {
          await each.end();
        }
      });
      // client_encoding is node-postgres's own, and one RDS Proxy takes (as JDBC drivers send it)
      expect(sent).toEqual({ user: 'app', database: 'shop', client_encoding: 'UTF8' });
    }
  });
});

describe('a migrated database', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase('sessions');
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('ends a session left idle in a transaction after 30 s, for every session without its asking', async () => {
    const pool = createPool(database.url, 1);
    try {
      const { rows } = await pool.query<{ idle_in_transaction_session_timeout: string }>(
        'SHOW idle_in_transaction_session_timeout',
      );
      expect(rows[0]!.idle_in_transaction_session_timeout).toBe('30s');
    } finally {
      await pool.end();
    }
  });
});
