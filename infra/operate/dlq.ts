// `npm run dlq -- list|redrive [--projector NAME]`: the projectors' parked events. `list` shows each
// with the error that parked it; `redrive` (after a fix) sends them back through the queue of the
// stream that parked them (its projector's, or the partition's), where the projector applies them
// once and parks again any that still fail.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import {
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { RedriveRequest } from '../../functions/operations/republishEvents.ts';
import { projectionNames } from '../../functions/projectors/catalog.ts';
import { streamNamed } from '../../functions/projectors/streams.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { deadLetterQueue, operatorFunctions } from './operatorEnvironment.ts';

const usage = `Usage: npm run dlq -- <list|redrive> [--projector NAME] [--stage dev] [--cloud]

  list      show the parked events and why they were parked, with the stream (partition) that parked them
  redrive   send the parked events back through the queue of the stream that parked them (after a
            fix); each applies at most once, and any that still fail are parked again

  --projector  invoices, analytics or directory, or one partition's stream (directory.1)

Locally it talks to the stack of \`npm run dev\`; with --cloud to AWS (credentials from the environment).`;

const { values, positionals } = parseCommandLine(
  {
    allowPositionals: true,
    options: {
      projector: { type: 'string' },
      stage: { type: 'string', default: 'dev' },
      cloud: { type: 'boolean', default: false },
    },
  },
  usage,
);
const command = positionals[0];
if (command !== 'list' && command !== 'redrive') exitWithUsage(usage);
if (
  values.projector &&
  !projectionNames.includes(values.projector as never) &&
  !streamNamed(values.projector)
) {
  exitWithUsage(
    usage,
    `unknown projector ${values.projector}: one of ${projectionNames.join(', ')}, or a partition's stream`,
  );
}

const { sqs, queueUrl } = await deadLetterQueue(values.cloud);
const attribute = (message: Message, name: string) => message.MessageAttributes?.[name]?.StringValue;
/** The stream that parked it: parked before partitions, its projector's own (partition 0's) queue. */
const streamOf = (message: Message) => attribute(message, 'stream') ?? attribute(message, 'projector') ?? '?';

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

/**
 * Puts messages back by sending copies and deleting what was received. SQS would also bring them back
 * after their visibility timeout, but sqslite never does, so this works the same on both.
 */
async function putBack(received: Message[], keep: Message[]) {
  for (let start = 0; start < keep.length; start += 10) {
    const entries = keep.slice(start, start + 10).map((message, index) => ({
      Id: String(index),
      MessageBody: message.Body ?? '',
      ...(message.MessageAttributes ? { MessageAttributes: message.MessageAttributes } : {}),
    }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
  for (const message of received) {
    await sqs
      .send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }))
      .catch(() => {
        // sqslite shares one receipt handle across a receive: the first delete already took the rest
      });
  }
}

const all = await receiveAll();
const chosen = all.filter(
  (message) =>
    !values.projector ||
    attribute(message, 'projector') === values.projector ||
    streamOf(message) === values.projector,
);

if (command === 'list') {
  for (const message of chosen) {
    const position = attribute(message, 'position') ?? '?';
    console.log(
      `${streamOf(message)}\tposition ${position}\t${attribute(message, 'type') ?? '?'}\t${attribute(message, 'error')}`,
    );
  }
  console.log(`${chosen.length} parked event(s)`);
  await putBack(all, all);
  process.exit(0);
}

const lambda = operatorFunctions(values.cloud);
const redriven = new Set<Message>();
for (const stream of new Set(chosen.map(streamOf))) {
  const parked = chosen.filter((message) => streamOf(message) === stream);
  if (parked.length === 0) continue;
  const bodies = parked.map((message) => {
    try {
      return JSON.parse(message.Body ?? '') as unknown;
    } catch {
      // sent as it is: the projector parks it again with the reason
      return message.Body ?? '';
    }
  });
  // the operator's function puts them in the projector's queue, behind the events waiting there: the
  // projector stays its table's one writer (functions/projectors/applyBatch.ts, the redrive rule)
  const result = await lambda.send(
    new InvokeCommand({
      FunctionName: `cqrs-commerce-${values.stage}-republishEvents`,
      Payload: Buffer.from(JSON.stringify({ redrive: { stream, events: bodies } } satisfies RedriveRequest)),
    }),
  );
  const answer = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
  if (result.FunctionError) {
    console.error(
      `${stream}: could not requeue ${parked.length} event(s), left parked: ${answer.slice(0, 300)}`,
    );
    continue;
  }
  for (const message of parked) redriven.add(message);
  console.log(
    `${stream}: sent ${parked.length} event(s) back through its queue; any that still fail are parked again (npm run dlq -- list)`,
  );
}
await putBack(
  all,
  all.filter((message) => !redriven.has(message)),
);
process.exit(redriven.size === chosen.length ? 0 : 1);
