// In the cloud a command wakes the relay with an asynchronous self-invoke; the schedule covers a
// lost wake-up, so a failure here costs latency, never an event.
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { tracer } from '../shared/tracer.ts';

let lambda: LambdaClient | undefined;

/** Never rejects. Awaited by the caller: a Lambda may be frozen right after it answers. */
export async function wakeRelay(): Promise<void> {
  if (!settings.RELAY_FUNCTION_NAME) {
    logger.warn('RELAY_WAKE=invoke but RELAY_FUNCTION_NAME is not set; the schedule will relay');
    return;
  }
  lambda ??= tracer.captureAWSv3Client(
    new LambdaClient({
      region: settings.AWS_REGION,
      ...(settings.LAMBDA_ENDPOINT ? { endpoint: settings.LAMBDA_ENDPOINT } : {}),
    }),
  );
  try {
    await lambda.send(
      new InvokeCommand({ FunctionName: settings.RELAY_FUNCTION_NAME, InvocationType: 'Event' }),
    );
  } catch (error) {
    logger.warn('could not wake the relay', { error });
  }
}
