// X-Ray tracing (Powertools Tracer), on where Lambda runs a function with active tracing
// (serverless.yml: provider.tracing.lambda) and off anywhere else. Each invocation is a subsegment,
// and each AWS SDK client is captured where it is made (aws.ts, secrets.ts), so a trace shows every
// DynamoDB, SQS, Secrets Manager and Lambda call.
//
// Off, the tracer is not even loaded: the X-Ray SDK's context (cls-hooked) enables an async hook at
// import that then runs on every promise of the process, and `npm run dev` loads every function's
// bundle into one process, so 30 such hooks ran on each promise: the API's reads were a third
// slower for it (decision 0027). Powertools would only have turned the tracing off, not the hook.
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { AppError } from './errors.ts';

/**
 * Where Lambda runs the function (serverless-offline declares IS_OFFLINE), unless tracing is turned
 * off, as Powertools itself decides.
 */
const tracingOn =
  Boolean(process.env.AWS_EXECUTION_ENV) &&
  !process.env.IS_OFFLINE &&
  process.env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';

async function loadTracer() {
  const [{ Tracer }, { captureLambdaHandler }] = await Promise.all([
    import('@aws-lambda-powertools/tracer'),
    import('@aws-lambda-powertools/tracer/middleware'),
  ]);
  const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'cqrs-commerce' });
  return { tracer, captureLambdaHandler };
}

const powertools = tracingOn ? await loadTracer() : undefined;

/** The client, captured by the tracer where tracing is on. */
export const captureClient = <T>(client: T): T =>
  powertools ? (powertools.tracer.captureAWSv3Client(client as never) as T) : client;

/**
 * The middlewares that make each invocation a subsegment (none where tracing is off). Responses
 * stay out of the traces: they hold users' names, emails and orders, which X-Ray is no place for. So
 * do refusals' messages (a taken email names it): serverless.yml sets
 * POWERTOOLS_TRACER_CAPTURE_ERROR=false, so the tracer only flags an error, and a fault of our own
 * (anything but a 4xx) is recorded with its exception by recordFaults, before the subsegment closes.
 */
export const traceInvocations = (): middy.MiddlewareObj[] =>
  powertools
    ? [
        powertools.captureLambdaHandler(powertools.tracer, { captureResponse: false }) as middy.MiddlewareObj,
        recordFaults(powertools.tracer),
      ]
    : [];

function recordFaults(tracer: {
  getSegment(): { addError(error: Error): void } | undefined;
}): middy.MiddlewareObj {
  return {
    onError: async ({ error }) => {
      const refused = error instanceof AppError && error.statusCode < 500;
      if (error && !refused) tracer.getSegment()?.addError(error);
    },
  };
}

/** A Lambda handler that is not an HTTP route (those go through httpHandler.ts), traced. */
export function traced<E, R>(handler: (event: E, context?: Context) => Promise<R>) {
  if (!powertools) return handler;
  const wrapped = middy<E, R>((event: E, context: Context) => handler(event, context)).use(
    traceInvocations() as middy.MiddlewareObj<E, R>[],
  );
  // a direct call (a test, a tool) gives no context; middy would make an empty one up
  return (event: E, context?: Context): Promise<R> =>
    context ? wrapped(event, context) : handler(event, context);
}
