// `npm run check [-- --projection NAME]`: compares every read model with a recomputation from
// PostgreSQL and prints the differences; exits 1 if there are any.
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { settings } from '../../functions/shared/config.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { readModelTableName } from '../aws/resourceNames.ts';
import { compareReadModel } from '../consistency/compareReadModels.ts';
import { expectedAnalytics, expectedDirectory, expectedInvoices } from '../consistency/expectedReadModels.ts';
import { projectorNames, type ProjectorName } from '../rabbitmq/topology.ts';

const { values } = parseArgs({
  options: {
    projection: { type: 'string' },
    cloud: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help || (values.projection && !projectorNames.includes(values.projection as ProjectorName))) {
  console.log(`Usage: npm run check -- [--projection ${projectorNames.join('|')}] [--cloud]

Compares the read models with what PostgreSQL says they should hold (run it when the projectors
have caught up: GET /api/analytics/sync-status shows eventsBehind 0). Locally it reads the
DynamoDB of \`npm run dev\`.`);
  process.exit(values.help ? 0 : 2);
}

const endpoint = values.cloud
  ? undefined
  : (settings.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${process.env.LOCAL_DYNAMODB_PORT ?? 4569}`);
const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    region: settings.AWS_REGION,
    ...(endpoint ? { endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  }),
);
const pool = createPool(settings.DATABASE_URL, 2);
const recompute = { analytics: expectedAnalytics, invoices: expectedInvoices, directory: expectedDirectory };

let total = 0;
try {
  for (const projection of values.projection ? [values.projection as ProjectorName] : projectorNames) {
    const differences = await compareReadModel(
      db,
      readModelTableName(settings.RESOURCE_PREFIX, projection),
      await recompute[projection](pool),
    );
    total += differences.length;
    console.log(
      `${projection}: ${differences.length === 0 ? 'exact' : `${differences.length} difference(s)`}`,
    );
    for (const difference of differences.slice(0, 50)) {
      console.log(
        `  ${difference.item} ${difference.field}: expected ${JSON.stringify(difference.expected)}, found ${JSON.stringify(difference.actual)}`,
      );
    }
    if (differences.length > 50) console.log(`  … and ${differences.length - 50} more`);
  }
} catch (error) {
  console.error(`check failed: ${error instanceof Error ? error.message : String(error)}`);
  total = -1;
} finally {
  await pool.end();
}
process.exit(total === 0 ? 0 : 1);
