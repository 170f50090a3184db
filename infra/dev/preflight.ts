// Checks that PostgreSQL and RabbitMQ answer before anything starts, with one clear line if not.
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
