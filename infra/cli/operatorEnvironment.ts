// Where the operator CLIs point: the stack of `npm run dev` (its fixed local ports), or AWS.
import { GetQueueUrlCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/config/protocol';
import { settings } from '../../functions/shared/config.ts';
import { deadLetterQueueName } from '../../functions/shared/resourceNames.ts';

export async function localOrCloud(cloud: boolean) {
  const sqsEndpoint = cloud
    ? undefined
    : (settings.SQS_ENDPOINT ?? `http://localhost:${process.env.LOCAL_SQS_PORT ?? 4576}`);
  const sqs = new SQSClient({
    protocol: AwsQueryProtocol,
    region: settings.AWS_REGION,
    ...(sqsEndpoint
      ? { endpoint: sqsEndpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  } as SQSClientConfig);
  try {
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: deadLetterQueueName(settings.RESOURCE_PREFIX) }),
    );
    return {
      sqs,
      queueUrl: QueueUrl!,
      lambdaEndpoint: cloud
        ? undefined
        : (process.env.LAMBDA_ENDPOINT ?? `http://127.0.0.1:${process.env.LAMBDA_PORT ?? 3002}`),
    };
  } catch (error) {
    const where = sqsEndpoint ?? 'AWS';
    console.error(
      `cannot reach the dead-letter queue at ${where} (${error instanceof Error ? error.message : String(error)})` +
        (cloud ? '' : ': is `npm run dev` running?'),
    );
    process.exit(1);
  }
}
