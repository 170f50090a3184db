// PostgreSQL's two doors in the cloud, in front of the machine's PostgreSQL: the RDS instance itself
// and RDS Proxy, each on a loopback address of its own and the same port (the functions are given a
// host, and the secret's port), both with TLS as RDS requires it. The proxy's door does what can be
// checked of RDS Proxy without an account, and records what went through each door:
//
// - it refuses a startup parameter that drivers known to work with RDS Proxy do not send, with the
//   error RDS Proxy answers ("Feature not supported: RDS Proxy currently doesn't support the option
//   …", reported for statement_timeout and ssl_renegotiation_limit; AWS publishes no list);
// - it notes every statement that would pin the session to one database connection, by AWS's list
//   ("Avoiding pinning an RDS Proxy": SET and RESET, prepared statements, temporary tables, sequences
//   and views, cursors, DISCARD, LISTEN, LOAD, nextval and setval, session advisory locks, and any
//   statement over 16 KB), and every named prepared statement of the extended protocol.
//
// It does not multiplex: the door passes each session through to one server connection. What the
// proxy does with the sessions (pooling, borrowing, failover) is AWS's, and only an account shows it.
import net from 'node:net';
import tls from 'node:tls';
import type { Certificates } from './tlsEndpoints.ts';

const SSL_REQUEST = 80_877_103;

/** The startup parameters the proxy's door lets through: node-postgres's, libpq's and pgJDBC's. */
const STARTUP_PARAMETERS = new Set([
  'user',
  'database',
  'client_encoding',
  'application_name',
  'DateStyle',
  'TimeZone',
  'extra_float_digits',
]);

export interface DoorSession {
  startup: Record<string, string>;
  /** every statement text the client sent, simple or parsed */
  statements: string[];
  /** why RDS Proxy would pin this session, one entry per statement that would */
  pins: string[];
  /** why the proxy's door refused the session at startup */
  refused?: string;
}

export interface PostgresDoor {
  host: string;
  sessions: DoorSession[];
}

/** Comments, string literals and dollar-quoted bodies out: what is left is what the proxy reads. */
function bareSql(sql: string): string {
  return sql
    .replace(/\$(\w*)\$[\s\S]*?\$\1\$/g, "''")
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/--[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '');
}

const PIN_RULES: [RegExp, string][] = [
  [/^\s*(SET|RESET)\b/i, 'SET or RESET'],
  [/\bset_config\s*\(/i, 'set_config'],
  [/^\s*(PREPARE|EXECUTE|DEALLOCATE)\b/i, 'a prepared statement'],
  [/\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(?:TEMP|TEMPORARY)\b/i, 'a temporary table, sequence or view'],
  [/^\s*DECLARE\b[\s\S]*\bCURSOR\b/i, 'a cursor'],
  [/^\s*DISCARD\b/i, 'DISCARD'],
  [/^\s*LISTEN\b/i, 'LISTEN'],
  [/^\s*LOAD\b/i, 'LOAD'],
  [/\b(?:nextval|setval)\s*\(/i, 'nextval or setval'],
  [/\bpg_(?:try_)?advisory_lock(?:_shared)?\s*\(/i, 'a session advisory lock'],
];

/** Why RDS Proxy would pin a session that sends `sql` (empty: it would not). */
export function pinReasons(sql: string): string[] {
  const reasons = Buffer.byteLength(sql) > 16_384 ? ['a statement over 16 KB'] : [];
  for (const statement of bareSql(sql).split(';')) {
    for (const [rule, reason] of PIN_RULES)
      if (rule.test(statement)) reasons.push(`${reason}: ${statement.trim()}`);
  }
  return reasons;
}

/** An ErrorResponse as a server sends it. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`);
  const header = Buffer.alloc(5);
  header.write('E');
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}

function parseStartup(message: Buffer): Record<string, string> {
  const fields = message
    .subarray(8, message.length - 1)
    .toString('utf8')
    .split('\0');
  const parameters: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i]) parameters[fields[i]!] = fields[i + 1]!;
  return parameters;
}

const cstring = (body: Buffer, from: number) => {
  const end = body.indexOf(0, from);
  return { text: body.subarray(from, end).toString('utf8'), next: end + 1 };
};

/** Watches the client's messages after the startup: the statements, and what would pin. */
function watcher(session: DoorSession, proxy: boolean) {
  let pending = Buffer.alloc(0);
  const observe = (sql: string, statementName = '') => {
    session.statements.push(sql);
    if (!proxy) return;
    session.pins.push(...pinReasons(sql));
    if (statementName) session.pins.push(`a named prepared statement (${statementName}): ${sql}`);
  };
  return (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 5 && pending.length >= 1 + pending.readInt32BE(1)) {
      const type = String.fromCharCode(pending[0]!);
      const body = pending.subarray(5, 1 + pending.readInt32BE(1));
      pending = pending.subarray(1 + pending.readInt32BE(1));
      if (type === 'Q') observe(cstring(body, 0).text);
      if (type === 'P') {
        const name = cstring(body, 0);
        observe(cstring(body, name.next).text, name.text);
      }
    }
  };
}

/** One door: TLS from the SSLRequest on, then the session passed through to `target`. */
async function openDoor(
  certificates: Certificates,
  at: { host: string; port: number },
  target: { host: string; port: number },
  proxy: boolean,
) {
  const door: PostgresDoor = { host: at.host, sessions: [] };
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };
  const context = tls.createSecureContext({ key: certificates.key, cert: certificates.cert });
  const server = net.createServer((socket) => {
    track(socket);
    socket.once('data', (first: Buffer) => {
      // RequireTLS on the proxy, rds.force_ssl on the instance: a session without TLS goes no further
      if (first.length !== 8 || first.readInt32BE(4) !== SSL_REQUEST) {
        socket.destroy();
        return;
      }
      socket.write('S');
      const secure = track(new tls.TLSSocket(socket, { isServer: true, secureContext: context }));
      let received = Buffer.alloc(0);
      const onStartup = (chunk: Buffer) => {
        received = Buffer.concat([received, chunk]);
        if (received.length < 4 || received.length < received.readInt32BE(0)) return;
        secure.off('data', onStartup);
        const length = received.readInt32BE(0);
        const session: DoorSession = {
          startup: parseStartup(received.subarray(0, length)),
          statements: [],
          pins: [],
        };
        door.sessions.push(session);
        const unsupported = Object.keys(session.startup).find((name) => !STARTUP_PARAMETERS.has(name));
        if (proxy && unsupported) {
          session.refused = `Feature not supported: RDS Proxy currently doesn't support the option ${unsupported}.`;
          secure.end(errorResponse('0A000', session.refused));
          return;
        }
        const upstream = track(net.connect(target));
        const watch = watcher(session, proxy);
        const rest = received.subarray(length);
        upstream.write(received.subarray(0, length));
        if (rest.length > 0) {
          watch(rest);
          upstream.write(rest);
        }
        secure.on('data', (data: Buffer) => {
          watch(data);
          upstream.write(data);
        });
        upstream.pipe(secure);
        upstream.on('error', () => secure.destroy()).on('close', () => secure.destroy());
        secure.on('error', () => upstream.destroy()).on('close', () => upstream.destroy());
      };
      secure.on('data', onStartup);
      secure.on('error', () => secure.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => resolve());
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return { door, port: (server.address() as net.AddressInfo).port, stop };
}

/** The loopback addresses the doors listen on, which the tier's certificate names. */
export const PROXY_HOST = '127.0.0.2';
export const INSTANCE_HOST = '127.0.0.3';

/**
 * RDS Proxy's door and the instance's, on one port (the one the secret names), both in front of
 * `target`.
 */
export async function startPostgresDoors(certificates: Certificates, target: { host: string; port: number }) {
  for (let attempt = 0; ; attempt++) {
    const proxy = await openDoor(certificates, { host: PROXY_HOST, port: 0 }, target, true);
    try {
      const instance = await openDoor(certificates, { host: INSTANCE_HOST, port: proxy.port }, target, false);
      return {
        port: proxy.port,
        proxy: proxy.door,
        instance: instance.door,
        stop: async () => {
          await proxy.stop();
          await instance.stop();
        },
      };
    } catch (error) {
      await proxy.stop();
      // another listener has that port on the instance's address: take another pair
      if ((error as { code?: string }).code !== 'EADDRINUSE' || attempt >= 5) throw error;
    }
  }
}
