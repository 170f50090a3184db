// `npm run replay -- FILE [--direct]`: replays an event payload fixture. Every line is validated
// first; one bad line and nothing is written. Then the events are appended to the event log (those
// already there are left out, so replaying a file twice changes nothing) and relayed in order: to the
// broker, where the projectors take them from their queues, or with --direct straight to the
// projector Lambdas of `npm run dev`.
import { readFixture } from '../../events/fixtureFile.ts';
import { projectionNames } from '../../functions/projectors/catalog.ts';
import { rabbitPublisher } from '../../functions/relay/eventPublisher.ts';
import { brokerUrl, databaseUrl, settings } from '../../functions/shared/config.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { lambdaInvoker } from '../local/queueBridge.ts';
import { directPublisher, replayEvents, type ProjectorInvokers } from './replayEvents.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { localStack } from './operatorEnvironment.ts';
import { progressBar } from '../terminal/progressBar.ts';

const usage = `Usage: npm run replay -- FILE [--direct] [--stage dev]

  FILE       an NDJSON file of event envelopes (see events/fixtures/)
  --direct   relay them straight to the projector Lambdas of \`npm run dev\` instead of RabbitMQ

The events join the event log of DATABASE_URL as recorded (ids, times, payloads) after what is
there, and reach the read models like any other event; an event already in the log is left out.`;

const { values, positionals } = parseCommandLine(
  {
    allowPositionals: true,
    options: { direct: { type: 'boolean', default: false }, stage: { type: 'string', default: 'dev' } },
  },
  usage,
);
const file = positionals[0];
if (!file || positionals.length > 1) exitWithUsage(usage);

const reading = await readFixture(file).catch((error: unknown) => {
  console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
if (!reading.ok) {
  for (const problem of reading.problems) console.error(`${file}:${problem.line}: ${problem.message}`);
  console.error(`${reading.problems.length} bad line(s); nothing was replayed`);
  process.exit(1);
}

const lambdaEndpoint = localStack().LAMBDA_ENDPOINT;
const broker = values.direct ? undefined : rabbitPublisher(brokerUrl, settings.EVENTS_EXCHANGE);
const publisher =
  broker ??
  directPublisher(
    Object.fromEntries(
      projectionNames.map((name) => [
        name,
        lambdaInvoker(lambdaEndpoint, `cqrs-commerce-${values.stage}-${name}Projector`),
      ]),
    ) as ProjectorInvokers,
  );
const pool = createPool(await databaseUrl(), 2);
const bar = progressBar(`replay ${values.direct ? '(direct)' : 'to RabbitMQ'}`, reading.events.length);
try {
  const { appended } = await replayEvents(pool, reading.events, publisher, {
    onProgress: ({ published }) => bar.update(published),
  });
  bar.stop();
  const skipped = reading.events.length - appended;
  console.log(
    `replayed ${appended} event(s) from ${file}${skipped > 0 ? `; ${skipped} were in the event log already` : ''}`,
  );
} catch (error) {
  bar.stop();
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await broker?.close();
  await pool.end();
}
