/* global process, performance -- Node globals: this file runs in the function's container, untyped */
// Runs inside a function's container: what the Lambda Node.js runtime does with a function's code,
// reduced to what the cloud tier needs. It imports the handler module from LAMBDA_TASK_ROOT by
// _HANDLER (a cold start: module-scope code runs once), then answers each invocation the host sends
// with the handler's result or its error, one at a time, as the runtime does. It imports nothing
// itself, so the function sees no module beyond its own bundle.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const root = process.env.LAMBDA_TASK_ROOT;
const handlerSetting = process.env._HANDLER;
const dot = handlerSetting.lastIndexOf('.');
const modulePath = handlerSetting.slice(0, dot);
const exportName = handlerSetting.slice(dot + 1);

const describe = (error) => ({
  errorType: error?.name ?? typeof error,
  errorMessage: error?.message ?? String(error),
  stack: typeof error?.stack === 'string' ? error.stack.split('\n') : [],
});

let handler;
let initError;
const started = performance.now();
try {
  // the runtime's order: .js, then .mjs, then .cjs
  const file = ['.js', '.mjs', '.cjs']
    .map((extension) => `${root}/${modulePath}${extension}`)
    .find(existsSync);
  if (!file)
    throw Object.assign(new Error(`Cannot find module '${modulePath}'`), {
      name: 'Runtime.ImportModuleError',
    });
  const module = await import(pathToFileURL(file).href);
  handler = module[exportName];
  if (typeof handler !== 'function') {
    throw Object.assign(new Error(`${handlerSetting} is undefined or not exported`), {
      name: 'Runtime.HandlerNotFound',
    });
  }
} catch (error) {
  initError = error;
}
process.send({ type: 'ready', initMs: performance.now() - started, error: initError && describe(initError) });

process.on('message', async ({ id, event, deadline, functionArn, traceId }) => {
  // the runtime sets the invocation's trace header in the environment, where the X-Ray SDK reads it
  if (traceId) process.env._X_AMZN_TRACE_ID = traceId;
  else delete process.env._X_AMZN_TRACE_ID;
  if (initError) {
    process.send({ type: 'result', id, error: describe(initError) });
    return;
  }
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: id,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result });
  } catch (error) {
    process.send({ type: 'result', id, error: describe(error) });
  }
});
