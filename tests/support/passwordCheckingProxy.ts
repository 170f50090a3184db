// The machine's PostgreSQL trusts every connection from loopback (pg_hba.conf), so it never checks a
// password, and tests may not reconfigure it. This proxy checks one in front of it: it asks the
// client for its password (cleartext authentication, on loopback), checks it against the role's
// password as PostgreSQL stores it (the SCRAM-SHA-256 verifier in pg_authid, which ALTER ROLE ...
// PASSWORD changes), and either refuses as PostgreSQL does (FATAL 28P01) or hands the connection to
// the server, which answers the rest of the startup itself.
import { createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';

const SSL_REQUEST = 80_877_103;
const GSS_REQUEST = 80_877_104;

export interface SignIn {
  user: string;
  accepted: boolean;
}

/** Whether `password` is the one the SCRAM-SHA-256 verifier `stored` was made from (RFC 5802). */
export function matchesVerifier(password: string, stored: string): boolean {
  const match = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(stored);
  if (!match) return false;
  const [, iterations, salt, storedKey] = match;
  const salted = pbkdf2Sync(password, Buffer.from(salt!, 'base64'), Number(iterations), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const expected = Buffer.from(storedKey!, 'base64');
  const actual = createHash('sha256').update(clientKey).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function message(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

/** ErrorResponse as PostgreSQL sends it for a wrong password. */
const passwordRefused = (user: string) =>
  message(
    'E',
    Buffer.concat([
      ...[
        ['S', 'FATAL'],
        ['V', 'FATAL'],
        ['C', '28P01'],
        ['M', `password authentication failed for user "${user}"`],
      ].map(([field, text]) => Buffer.from(`${field}${text}\0`)),
      Buffer.from('\0'),
    ]),
  );

/** Reads whole messages from a socket: the first without a type byte (the startup), then typed ones. */
function reader(socket: Socket) {
  let pending = Buffer.alloc(0);
  const waiting: (() => void)[] = [];
  const onData = (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    waiting.splice(0).forEach((wake) => wake());
  };
  socket.on('data', onData);
  const take = async (length: number) => {
    while (pending.length < length) await new Promise<void>((resolve) => waiting.push(resolve));
    const taken = pending.subarray(0, length);
    pending = pending.subarray(length);
    return taken;
  };
  return {
    async startup() {
      const length = (await take(4)).readInt32BE();
      const rest = await take(length - 4);
      return Buffer.concat([int32(length), rest]);
    },
    async typed() {
      const type = (await take(1)).toString();
      const length = (await take(4)).readInt32BE();
      return { type, body: await take(length - 4) };
    },
    /** stops reading; what arrived beyond the last message is returned */
    release() {
      socket.off('data', onData);
      return pending;
    },
  };
}

/** A proxy to the PostgreSQL at `server` (trust) that checks passwords; `signIns` records each attempt. */
export async function startPasswordCheckingProxy(server: { host: string; port: number; adminUrl: string }) {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  const signIns: SignIn[] = [];

  async function handle(client: Socket) {
    const messages = reader(client);
    let startup = await messages.startup();
    // no TLS and no GSS encryption here: a client that asks is told no, and goes on in the clear
    while ([SSL_REQUEST, GSS_REQUEST].includes(startup.readInt32BE(4))) {
      client.write('N');
      startup = await messages.startup();
    }
    const parameters = startup.subarray(8).toString().split('\0');
    const user = parameters[parameters.indexOf('user') + 1]!;
    client.write(message('R', int32(3)));
    const { type, body } = await messages.typed();
    const password = type === 'p' ? body.subarray(0, body.indexOf(0)).toString() : '';
    const { rows } = await admin.query<{ rolpassword: string | null }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [user],
    );
    const accepted = matchesVerifier(password, rows[0]?.rolpassword ?? '');
    signIns.push({ user, accepted });
    if (!accepted) {
      client.end(passwordRefused(user));
      return;
    }
    const upstream = connect(server.port, server.host);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.write(startup);
    const early = messages.release();
    if (early.length) upstream.write(early);
    client.pipe(upstream);
    upstream.pipe(client);
  }

  const sockets = new Set<Socket>();
  const proxy = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    handle(client).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as AddressInfo).port,
    signIns,
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await admin.end();
    },
  };
}
