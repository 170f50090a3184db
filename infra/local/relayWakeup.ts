// The local stand-in for the cloud's relay triggers: LISTEN for the NOTIFY each command sends at
// commit, plus a schedule, and invoke the relay Lambda through serverless-offline. Wake-ups that
// arrive while a run is in flight coalesce into one more run.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import pg from 'pg';
import { createLambdaClient } from '../../functions/shared/awsClients.ts';
import { EVENTS_APPENDED_CHANNEL } from '../../functions/shared/eventLog/appendEvents.ts';

export interface RelayWakeupOptions {
  databaseUrl: string;
  lambdaEndpoint: string;
  functionName: string;
  scheduleMs: number;
  log: (message: string) => void;
}

export function startRelayWakeup(options: RelayWakeupOptions): { wake(): void; stop(): Promise<void> } {
  const lambda = createLambdaClient({ AWS_REGION: 'us-east-1', LAMBDA_ENDPOINT: options.lambdaEndpoint });
  let running = false;
  let again = false;
  let stopped = false;
  let lastError = '';

  const relayOnce = async () => {
    const result = await lambda.send(new InvokeCommand({ FunctionName: options.functionName }));
    if (result.FunctionError) {
      const payload = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
      throw new Error(payload.slice(0, 300));
    }
  };

  const wake = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await relayOnce();
        if (lastError) options.log('relay recovered');
        lastError = '';
      } while (again && !stopped);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // say it once, not on every tick of the schedule
      if (message !== lastError) options.log(`relay failed, will retry on schedule: ${message}`);
      lastError = message;
    } finally {
      running = false;
    }
  };

  let listener: pg.Client | undefined;
  const listen = async () => {
    const client = new pg.Client({ connectionString: options.databaseUrl });
    client.on('notification', () => void wake());
    client.on('error', () => {
      listener = undefined;
      // PostgreSQL went away: the schedule keeps relaying; try to listen again shortly
      if (!stopped) setTimeout(() => void listen().catch(() => undefined), 1_000);
    });
    await client.connect();
    await client.query(`LISTEN ${EVENTS_APPENDED_CHANNEL}`);
    listener = client;
  };
  void listen().catch((error: unknown) => options.log(`cannot LISTEN for wake-ups: ${String(error)}`));

  const timer = setInterval(() => void wake(), options.scheduleMs);
  void wake();

  return {
    /** a run now (or one more after the one in flight) */
    wake: () => void wake(),
    async stop() {
      stopped = true;
      clearInterval(timer);
      await listener?.end().catch(() => undefined);
      lambda.destroy();
    },
  };
}
