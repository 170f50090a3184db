// `npm run dlq -- list|redrive [--projector NAME]`: the projectors' parked events. `list` shows each
// with the error that parked it; `redrive` applies them again through their projector Lambda (after
// a fix) and removes the ones that now apply.
import { parseArgs } from 'node:util';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { settings } from '../../functions/shared/config.ts';
import { projectorNames } from '../rabbitmq/topology.ts';
import { localOrCloud } from './operatorEnvironment.ts';

const usage = `Usage: npm run dlq -- <list|redrive> [--projector invoices|analytics|directory] [--stage dev] [--cloud]

  list      show the parked events and why they were parked
  redrive   apply the parked events again through their projector, removing those that now apply

Locally it talks to the stack of \`npm run dev\`; with --cloud to AWS (credentials from the environment).`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    projector: { type: 'string' },
    stage: { type: 'string', default: 'dev' },
    cloud: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
const command = positionals[0];
if (values.help || (command !== 'list' && command !== 'redrive')) {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
if (values.projector && !projectorNames.includes(values.projector as never)) {
  console.error(`unknown projector ${values.projector}: one of ${projectorNames.join(', ')}`);
  process.exit(2);
}

const { sqs, queueUrl, lambdaEndpoint } = await localOrCloud(values.cloud);
const attribute = (message: Message, name: string) => message.MessageAttributes?.[name]?.StringValue;

/** Takes every parked message out of sight for a while (SQS has no peek). */
async function receiveAll(): Promise<Message[]> {
  const messages = new Map<string, Message>();
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 120,
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) return [...messages.values()];
    for (const message of Messages) messages.set(message.MessageId!, message);
  }
}

/** Makes messages visible again at once (one call each: sqslite has no batch form). */
async function release(messages: Message[]) {
  for (const message of messages) {
    await sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: message.ReceiptHandle!,
        VisibilityTimeout: 0,
      }),
    );
  }
}

const all = await receiveAll();
const chosen = all.filter(
  (message) => !values.projector || attribute(message, 'projector') === values.projector,
);
await release(all.filter((message) => !chosen.includes(message)));

if (command === 'list') {
  for (const message of chosen) {
    const position = attribute(message, 'position') ?? '?';
    console.log(
      `${attribute(message, 'projector')}\tposition ${position}\t${attribute(message, 'type') ?? '?'}\t${attribute(message, 'error')}`,
    );
  }
  console.log(`${chosen.length} parked event(s)`);
  await release(chosen);
  process.exit(0);
}

const lambda = new LambdaClient({
  region: settings.AWS_REGION,
  ...(lambdaEndpoint
    ? { endpoint: lambdaEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {}),
});
let failed = 0;
for (const projector of projectorNames) {
  const parked = chosen.filter((message) => attribute(message, 'projector') === projector);
  if (parked.length === 0) continue;
  const bodies = parked.map((message) => {
    try {
      return JSON.parse(message.Body ?? '') as unknown;
    } catch {
      return null;
    }
  });
  const result = await lambda.send(
    new InvokeCommand({
      FunctionName: `cqrs-commerce-${values.stage}-${projector}Projector`,
      Payload: Buffer.from(JSON.stringify({ redrive: bodies })),
    }),
  );
  const answer = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  if (result.FunctionError) {
    failed += parked.length;
    console.error(
      `${projector}: ${parked.length} event(s) still do not apply, left parked: ${answer.slice(0, 300)}`,
    );
    await release(parked);
    continue;
  }
  for (let start = 0; start < parked.length; start += 10) {
    const entries = parked
      .slice(start, start + 10)
      .map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle! }));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  console.log(`${projector}: redrove ${parked.length} event(s): ${answer}`);
}
process.exit(failed > 0 ? 1 : 0);
