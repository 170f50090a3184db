// `npm run replay -- FILE [--direct]`: replays an event payload fixture. Every line is validated
// first; one bad line and nothing is written. Then the events go to the broker in order (the
// projectors apply them from their queues), or with --direct straight to the projector Lambdas.
// Projectors skip what they have already applied, so replaying a file twice changes nothing.
import { parseArgs } from 'node:util';
import { settings } from '../../functions/shared/config.ts';
import { readFixture } from '../../events/fixtureFile.ts';
import { lambdaInvoker } from '../dev/queueBridge.ts';
import { projectorNames } from '../rabbitmq/topology.ts';
import { brokerSink, directSink, replayEvents, type ProjectorInvokers } from '../replay/replaySinks.ts';
import { progressBar } from './progressBar.ts';

const usage = `Usage: npm run replay -- FILE [--direct] [--stage dev]

  FILE       an NDJSON file of event envelopes (see events/fixtures/)
  --direct   invoke the projector Lambdas of \`npm run dev\` instead of publishing to RabbitMQ;
             only while nothing else is projected (a read-model table has one writer at a time)

Projectors apply only events above their checkpoint: replay fixtures into fresh read models.`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    direct: { type: 'boolean', default: false },
    stage: { type: 'string', default: 'dev' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const file = positionals[0];
if (values.help || !file) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}

const reading = await readFixture(file).catch((error: unknown) => {
  console.error(`cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
});
if (!reading.ok) {
  for (const problem of reading.problems) console.error(`${file}:${problem.line}: ${problem.message}`);
  console.error(`${reading.problems.length} bad line(s); nothing was replayed`);
  process.exit(1);
}

const lambdaEndpoint = process.env.LAMBDA_ENDPOINT ?? `http://127.0.0.1:${process.env.LAMBDA_PORT ?? 3002}`;
const sink = values.direct
  ? directSink(
      Object.fromEntries(
        projectorNames.map((name) => [
          name,
          lambdaInvoker(lambdaEndpoint, `cqrs-commerce-${values.stage}-${name}Projector`),
        ]),
      ) as ProjectorInvokers,
    )
  : brokerSink(settings.RABBITMQ_URL, settings.EVENTS_EXCHANGE);

const bar = progressBar(`replay ${values.direct ? '(direct)' : 'to RabbitMQ'}`, reading.events.length);
try {
  await replayEvents(reading.events, sink, { batchSize: 500, onProgress: (done) => bar.update(done) });
  bar.stop();
  console.log(`replayed ${reading.events.length} event(s) from ${file}`);
} catch (error) {
  bar.stop();
  console.error(`replay failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await sink.close();
}
