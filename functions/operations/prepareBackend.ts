// A Lambda that brings the write side up to date from inside the VPC, where a private database and
// broker can be reached: the schema migrations, then the broker topology. Run after each deploy:
//   npx serverless invoke --stage prod --function prepareBackend
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { migrateDatabase } from '../../infra/postgres/migrations.ts';
import { setupTopology } from '../../infra/rabbitmq/topology.ts';
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';

// the SQL files travel beside the bundle (serverless.yml's package patterns), not inside it
const MIGRATIONS_DIR = process.env.LAMBDA_TASK_ROOT
  ? `${process.env.LAMBDA_TASK_ROOT}/infra/postgres/migrations`
  : fileURLToPath(new URL('../../infra/postgres/migrations', import.meta.url));

export const handler = async () => {
  const migrations = await migrateDatabase(
    settings.DATABASE_URL,
    (message) => logger.info(message),
    MIGRATIONS_DIR,
  );
  const connection = await amqp.connect(settings.RABBITMQ_URL);
  try {
    await setupTopology(await connection.createChannel(), settings.EVENTS_EXCHANGE);
  } finally {
    await connection.close();
  }
  logger.info('backend prepared', { migrations });
  return { migrations, topology: 'ready' };
};
