// TLS in front of the machine's PostgreSQL and RabbitMQ, as RDS (`sslmode=require`) and Amazon MQ
// (amqps on 5671) are reached in the cloud: the functions verify a certificate from a certificate
// authority made for the run, which stands in for the CA bundle the Lambda runtime ships. The
// services themselves stay as they are (a test never reconfigures a shared service). PostgreSQL's
// doors, whose TLS begins inside its protocol, are in rdsProxy.ts.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Certificates {
  caFile: string;
  key: string;
  cert: string;
}

/**
 * A CA and a certificate it signs for `localhost`, 127.0.0.1, and the loopback addresses of the
 * database's two doors (rdsProxy.ts), made with openssl in `directory`.
 */
export async function makeCertificates(directory: string): Promise<Certificates> {
  const openssl = (...args: string[]) => run('openssl', args, { cwd: directory });
  await openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=cloud tier CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
  );
  await openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=localhost',
  );
  await run(
    'sh',
    ['-c', 'printf "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3" > server.ext'],
    {
      cwd: directory,
    },
  );
  await openssl(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  return {
    caFile: `${directory}/ca.pem`,
    key: await readFile(`${directory}/server.key`, 'utf8'),
    cert: await readFile(`${directory}/server.pem`, 'utf8'),
  };
}

interface Endpoint {
  port: number;
  stop(): Promise<void>;
}

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)),
  );
}

function closer(server: net.Server, sockets: Set<net.Socket>) {
  return () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
}

function pipeBoth(a: net.Socket, b: net.Socket) {
  a.pipe(b).on('error', () => a.destroy());
  b.pipe(a).on('error', () => b.destroy());
  a.on('error', () => b.destroy()).on('close', () => b.destroy());
  b.on('error', () => a.destroy()).on('close', () => a.destroy());
}

/** amqps → amqp: TLS from the first byte, as Amazon MQ's port 5671. */
export async function amqpsEndpoint(
  certificates: Certificates,
  target: { host: string; port: number },
): Promise<Endpoint> {
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: certificates.key, cert: certificates.cert }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const upstream = net.connect(target);
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    pipeBoth(socket, upstream);
  });
  return { port: await listen(server), stop: closer(server, sockets) };
}
