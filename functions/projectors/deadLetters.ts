// The projectors' dead-letter queue in SQS: parked events with the error that parked them.
import { GetQueueUrlCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { Stream } from './streams.ts';
import { deadLetterQueueName } from '../shared/resourceNames.ts';
import { sqs } from '../shared/aws.ts';
import { settings } from '../shared/config.ts';
import type { ParkedEvent } from './parkedEvent.ts';

let queueUrl: Promise<string> | undefined;

export function deadLetterQueueUrl(): Promise<string> {
  queueUrl ??= sqs()
    .send(new GetQueueUrlCommand({ QueueName: deadLetterQueueName(settings.RESOURCE_PREFIX) }))
    .then((result) => result.QueueUrl!)
    .catch((error: unknown) => {
      queueUrl = undefined;
      throw error;
    });
  return queueUrl;
}

const SEND_BATCH_LIMIT = 10;

/** Parks events with the projector and the stream (its partition) that parked them: a redrive goes back there. */
export async function parkEvents(stream: Stream, parked: readonly ParkedEvent[]): Promise<void> {
  const url = await deadLetterQueueUrl();
  for (let start = 0; start < parked.length; start += SEND_BATCH_LIMIT) {
    const entries = parked.slice(start, start + SEND_BATCH_LIMIT).map((event, index) => ({
      Id: String(index),
      MessageBody: event.body,
      MessageAttributes: {
        projector: { DataType: 'String', StringValue: stream.projection },
        stream: { DataType: 'String', StringValue: stream.name },
        error: { DataType: 'String', StringValue: event.error.slice(0, 1_000) },
        ...(event.position === undefined
          ? {}
          : { position: { DataType: 'Number', StringValue: String(event.position) } }),
        ...(event.type === undefined ? {} : { type: { DataType: 'String', StringValue: event.type } }),
      },
    }));
    const result = await sqs().send(new SendMessageBatchCommand({ QueueUrl: url, Entries: entries }));
    if (result.Failed?.length)
      throw new Error(`could not park ${result.Failed.length} events: ${result.Failed[0]!.Message}`);
  }
}
