// Where the operator CLIs point: the stack of `npm run dev` (its fixed local ports, unless the
// settings name other endpoints), or AWS. The tools build their clients from this configuration with
// the project's factories (functions/shared/awsClients.ts), or configure the process's own with it.
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { createLambdaClient, createSqsClient } from '../../functions/shared/awsClients.ts';
import { settings } from '../../functions/shared/config.ts';
import { deadLetterQueueName } from '../../functions/shared/resourceNames.ts';

/** `npm run dev`'s endpoints, where the settings name none. */
export const localStack = () => ({
  DYNAMODB_ENDPOINT:
    settings.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${process.env.LOCAL_DYNAMODB_PORT ?? 4569}`,
  SQS_ENDPOINT: settings.SQS_ENDPOINT ?? `http://localhost:${process.env.LOCAL_SQS_PORT ?? 4576}`,
  LAMBDA_ENDPOINT: settings.LAMBDA_ENDPOINT ?? `http://127.0.0.1:${process.env.LAMBDA_PORT ?? 3002}`,
});

/** The Region, and the local stack's endpoints or none (AWS). */
export const operatorConfig = (cloud: boolean) => ({
  AWS_REGION: settings.AWS_REGION,
  ...(cloud ? {} : localStack()),
});

/** The project's functions, where the operator's function (republishEvents) answers. */
export const operatorFunctions = (cloud: boolean) => createLambdaClient(operatorConfig(cloud));

/** The projectors' dead-letter queue; exits with why when it cannot be reached. */
export async function deadLetterQueue(cloud: boolean) {
  const config = operatorConfig(cloud);
  const sqs = createSqsClient(config);
  try {
    const { QueueUrl } = await sqs.send(
      new GetQueueUrlCommand({ QueueName: deadLetterQueueName(settings.RESOURCE_PREFIX) }),
    );
    return { sqs, queueUrl: QueueUrl! };
  } catch (error) {
    const where = config.SQS_ENDPOINT ?? 'AWS';
    console.error(
      `cannot reach the dead-letter queue at ${where} (${error instanceof Error ? error.message : String(error)})` +
        (cloud ? '' : ': is `npm run dev` running?'),
    );
    process.exit(1);
  }
}
