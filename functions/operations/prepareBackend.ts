// A Lambda that brings the write side up to date from inside the VPC, where a private database and
// broker can be reached: the schema migrations, then the broker topology. Run after each deploy:
//   npx serverless invoke --stage prod --function prepareBackend
import amqp from 'amqplib';
import { setupTopology } from './brokerTopology.ts';
import { MIGRATIONS_DIR, migrateDatabase } from './schemaMigrations.ts';
import { brokerUrl, databaseUrl, settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { traced } from '../shared/tracer.ts';

// the SQL files travel beside the bundle (serverless.yml's package patterns), not inside it
const migrationsDirectory = process.env.LAMBDA_TASK_ROOT
  ? `${process.env.LAMBDA_TASK_ROOT}/infra/postgres/migrations`
  : MIGRATIONS_DIR;

export const handler = traced(async () => {
  const migrations = await migrateDatabase(
    await databaseUrl(),
    (message) => logger.info(message),
    migrationsDirectory,
  );
  const connection = await amqp.connect(await brokerUrl());
  try {
    await setupTopology(connection, settings.EVENTS_EXCHANGE, (message) => logger.info(message));
  } finally {
    await connection.close();
  }
  logger.info('backend prepared', { migrations });
  return { migrations, topology: 'ready' };
});
