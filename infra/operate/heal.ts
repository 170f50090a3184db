// `npm run heal -- [PROJECTOR...] [--cloud]`: re-publishes now what a projector is missing from its
// stream (what the relay does by itself once a projector has waited HEAL_GAPS_AFTER_MS): from its
// checkpoint up to the first event it holds, or up to the stream's head. It asks the operator's
// function (functions/operations/republishEvents.ts), which reaches the broker wherever the operator
// runs it.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { HealRequest } from '../../functions/operations/republishEvents.ts';
import {
  isProjectionName,
  projectionNames,
  type ProjectionName,
} from '../../functions/projectors/catalog.ts';
import type { HealedRange } from '../../functions/relay/healGaps.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { operatorConfig, operatorFunctions } from './operatorEnvironment.ts';

const usage = `Usage: npm run heal -- [${projectionNames.join('|')} ...] [--stage dev] [--cloud]

Re-publishes, from the event log, the events each projector (all of them if none is named) is
missing: from its checkpoint up to the first event it holds beyond a gap, or up to the head of its
stream (GET /api/analytics/sync-status shows both). A projector skips what it already has.
Locally it asks the stack of \`npm run dev\`; with --cloud the deployed one (credentials from the
environment).`;

const { values, positionals } = parseCommandLine(
  {
    allowPositionals: true,
    options: { stage: { type: 'string', default: 'dev' }, cloud: { type: 'boolean', default: false } },
  },
  usage,
);
const unknown = positionals.find((name) => !isProjectionName(name));
if (unknown) exitWithUsage(usage, `unknown projector ${unknown}`);

const lambda = operatorFunctions(values.cloud);
try {
  const result = await lambda.send(
    new InvokeCommand({
      FunctionName: `cqrs-commerce-${values.stage}-republishEvents`,
      Payload: Buffer.from(
        JSON.stringify({
          heal: positionals.length > 0 ? { projectors: positionals as ProjectionName[] } : {},
        } satisfies HealRequest),
      ),
    }),
  );
  const answer = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  if (result.FunctionError) {
    console.error(`could not heal: ${answer.slice(0, 300)}`);
    process.exit(1);
  }
  const { healed } = JSON.parse(answer) as { healed: HealedRange[] };
  for (const range of healed) {
    console.log(
      `${range.stream}: re-published ${range.to - range.from + 1} event(s), ${range.from} to ${range.to}`,
    );
  }
  console.log(healed.length > 0 ? 'done' : 'nothing is missing');
} catch (error) {
  const where = operatorConfig(values.cloud).LAMBDA_ENDPOINT ?? 'AWS';
  console.error(
    `cannot reach the republishEvents function at ${where} (${error instanceof Error ? error.message : String(error)})` +
      (values.cloud ? '' : ': is `npm run dev` running?'),
  );
  process.exit(1);
}
