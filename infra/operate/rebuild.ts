// `npm run rebuild -- PROJECTION`: rebuilds a projection from the PostgreSQL event log into a new
// table while the live one keeps serving, then switches over. Interrupted, it resumes when run again.
import { projectionNames, type ProjectionName } from '../../functions/projectors/catalog.ts';
import { configure, databaseUrl, settings } from '../../functions/shared/config.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { rebuildProjection } from './rebuildProjection.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { localStack } from './operatorEnvironment.ts';
import { progressBar } from '../terminal/progressBar.ts';

const usage = `Usage: npm run rebuild -- <${projectionNames.join('|')}> [--cloud]

Builds the projection afresh from the event log into a new table, switches reads and the projector
to it, and leaves the old table in place (delete it when you no longer need it). Run it again to
resume an interrupted rebuild. Locally it works on the stack of \`npm run dev\`.`;

const { values, positionals } = parseCommandLine(
  { allowPositionals: true, options: { cloud: { type: 'boolean', default: false } } },
  usage,
);
const projection = positionals[0] as ProjectionName | undefined;
if (!projection || !projectionNames.includes(projection) || positionals.length > 1) exitWithUsage(usage);
if (!values.cloud) {
  // the DynamoDB and SQS of `npm run dev`, unless the settings name others
  const { DYNAMODB_ENDPOINT, SQS_ENDPOINT } = localStack();
  configure({ DYNAMODB_ENDPOINT, SQS_ENDPOINT });
}

const pool = createPool(await databaseUrl(), 2);
let bar: ReturnType<typeof progressBar> | undefined;
try {
  const result = await rebuildProjection({
    pool,
    projection,
    prefix: settings.RESOURCE_PREFIX,
    onProgress: ({ applied, total }) => {
      bar ??= progressBar(`rebuild ${projection}`, total);
      bar.update(applied);
    },
  });
  bar?.stop();
  console.log(
    `${projection} rebuilt into ${result.table} from ${result.applied} events; reads and the projector use it now`,
  );
} catch (error) {
  bar?.stop();
  console.error(
    `rebuild failed (run it again to resume): ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
} finally {
  await pool.end();
}
