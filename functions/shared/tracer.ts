// X-Ray tracing (Powertools Tracer), on where Lambda runs a function with active tracing
// (serverless.yml: provider.tracing.lambda) and off anywhere else: Powertools turns it off outside a
// Lambda execution environment (no AWS_EXECUTION_ENV: npm run dev, the tests, the tools). Each
// invocation is a subsegment, and each AWS SDK client is captured where it is made (aws.ts,
// secrets.ts, wakeRelay.ts), so a trace shows every DynamoDB, SQS, Secrets Manager and Lambda call.
import middy from '@middy/core';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { Context } from 'aws-lambda';
import { AppError } from './errors.ts';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'cqrs-commerce' });

/**
 * The middlewares that make each invocation a subsegment. Responses stay out of the traces: they
 * hold users' names, emails and orders, which X-Ray is no place for. So do refusals' messages (a
 * taken email names it): serverless.yml sets POWERTOOLS_TRACER_CAPTURE_ERROR=false, so the tracer
 * only flags an error, and a fault of our own (anything but a 4xx) is recorded with its exception by
 * recordFaults, which runs before the subsegment closes.
 */
export const traceInvocations = () => [
  captureLambdaHandler(tracer, { captureResponse: false }),
  recordFaults(),
];

function recordFaults(): middy.MiddlewareObj {
  return {
    onError: async ({ error }) => {
      const refused = error instanceof AppError && error.statusCode < 500;
      if (error && !refused) tracer.getSegment()?.addError(error);
    },
  };
}

/** A Lambda handler that is not an HTTP route (those go through httpRoute.ts), traced. */
export function traced<E, R>(handler: (event: E, context?: Context) => Promise<R>) {
  const wrapped = middy<E, R>((event: E, context: Context) => handler(event, context)).use(
    traceInvocations() as middy.MiddlewareObj<E, R>[],
  );
  // a direct call (a test, a tool) gives no context; middy would make an empty one up
  return (event: E, context?: Context): Promise<R> =>
    context ? wrapped(event, context) : handler(event, context);
}
