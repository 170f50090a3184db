// `npm run check [-- --projection NAME]`: compares every read model with a recomputation from
// PostgreSQL and prints the differences; exits 1 if there are any.
import { projectionNames, type ProjectionName } from '../../functions/projectors/catalog.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';
import { configure, databaseUrl } from '../../functions/shared/config.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { readLiveTable } from '../../functions/projectors/liveTables.ts';
import { compareReadModel } from './consistency/compareReadModels.ts';
import { expectedAnalytics, expectedDirectory, expectedInvoices } from './consistency/expectedReadModels.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { localStack } from './operatorEnvironment.ts';

const usage = `Usage: npm run check -- [--projection ${projectionNames.join('|')}] [--cloud]

Compares the read models with what PostgreSQL says they should hold (run it when the projectors
have caught up: GET /api/analytics/sync-status shows eventsBehind 0). Locally it reads the
DynamoDB of \`npm run dev\`.`;

const { values } = parseCommandLine(
  { options: { projection: { type: 'string' }, cloud: { type: 'boolean', default: false } } },
  usage,
);
if (values.projection && !projectionNames.includes(values.projection as ProjectionName)) {
  exitWithUsage(usage, `unknown projection ${values.projection}`);
}

// the DynamoDB of `npm run dev`, unless the settings name another
if (!values.cloud) configure({ DYNAMODB_ENDPOINT: localStack().DYNAMODB_ENDPOINT });

const pool = createPool(await databaseUrl(), 2);
const recompute = { analytics: expectedAnalytics, invoices: expectedInvoices, directory: expectedDirectory };

let total = 0;
try {
  for (const projection of values.projection ? [values.projection as ProjectionName] : projectionNames) {
    // the table the projection serves from: a rebuild may have switched it
    const { table } = await readLiveTable(projection);
    const differences = await compareReadModel(dynamoDb(), table, await recompute[projection](pool));
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
