// `npm run rebuild -- PROJECTION`: rebuilds a projection from the PostgreSQL event log into a new
// table while the live one keeps serving, then switches over. Interrupted, it resumes when run again.
import { projectionNames, type ProjectionName } from '../../functions/projectors/catalog.ts';
import { exitWithUsage, parseCommandLine } from './commandLine.ts';
import { progressBar } from './progressBar.ts';

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
  // the DynamoDB and SQS of `npm run dev`, unless configured otherwise; read at import below
  process.env.DYNAMODB_ENDPOINT ??= `http://127.0.0.1:${process.env.LOCAL_DYNAMODB_PORT ?? 4569}`;
  process.env.SQS_ENDPOINT ??= `http://localhost:${process.env.LOCAL_SQS_PORT ?? 4576}`;
}
const { databaseUrl, settings } = await import('../../functions/shared/config.ts');
const { createPool } = await import('../../functions/shared/postgres.ts');
const { rebuildProjection } = await import('../rebuild/rebuildProjection.ts');

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
