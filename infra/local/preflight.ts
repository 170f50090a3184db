// Checks that PostgreSQL and RabbitMQ answer before anything starts, with one clear line if not.
import { createServer } from 'node:net';
import amqp from 'amqplib';
import pg from 'pg';

export class UnreachableDependencyError extends Error {}

const reason = (error: unknown) =>
  (error as { code?: string }).code ?? (error instanceof Error ? error.message : String(error));

export async function requirePostgres(databaseUrl: string): Promise<void> {
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new UnreachableDependencyError(
      `PostgreSQL is not reachable at ${admin.host} (${reason(error)}): start it with ` +
        '`pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set DATABASE_URL.',
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function requireRabbitMq(rabbitmqUrl: string): Promise<void> {
  try {
    const connection = await amqp.connect(rabbitmqUrl, { timeout: 3_000 });
    await connection.close();
  } catch (error) {
    throw new UnreachableDependencyError(
      `RabbitMQ is not reachable at ${new URL(rabbitmqUrl).host} (${reason(error)}): start it with ` +
        '`rabbitmq-server -detached`, or set RABBITMQ_URL.',
    );
  }
}

/** Each port free on 127.0.0.1, or one line naming the first taken and the variable that moves it. */
export async function requireFreePorts(ports: Record<string, number>): Promise<void> {
  for (const [setting, port] of Object.entries(ports)) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
        .once('error', () => resolve(false))
        .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) {
      throw new UnreachableDependencyError(
        `port ${port} is in use (another \`npm run dev\`?): stop what holds it, or set ${setting}.`,
      );
    }
  }
}
