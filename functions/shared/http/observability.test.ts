// Every request through the shared stack reports its latency and outcome by route: the answer's own
// status, after the error mapping, for answers, refusals and crashes alike.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { httpEvent, lambdaContext } from '../../../tests/support/lambdaEvents.ts';
import { logger } from '../logger.ts';
import { metrics } from '../metrics.ts';
import { httpHandler } from './httpHandler.ts';

const created = httpHandler(
  { access: 'public', body: z.strictObject({ title: z.string() }) },
  async ({ body }) => ({
    statusCode: 201,
    body,
  }),
);
const crashing = httpHandler({ access: 'public' }, async () => {
  throw new Error('boom');
});

/** What the stack handed the shared Metrics instance, line by line. */
function recordMetrics() {
  const lines: Record<string, unknown>[] = [];
  let line: Record<string, unknown> = {};
  vi.spyOn(metrics, 'addDimension').mockImplementation((name, value) => {
    line[name] = value;
    return metrics;
  });
  vi.spyOn(metrics, 'addMetric').mockImplementation((name, unit, value) => {
    line[name] = { unit, value };
    return metrics;
  });
  vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => {
    lines.push(line);
    line = {};
    return metrics;
  });
  return lines;
}

beforeEach(() => {
  vi.spyOn(logger, 'info').mockImplementation(() => undefined);
  vi.spyOn(logger, 'error').mockImplementation(() => undefined);
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('the shared HTTP stack', () => {
  it('reports each request by route: its latency, and whether it was a server or a client error', async () => {
    const lines = recordMetrics();
    const post = (body: unknown) =>
      created(httpEvent({ method: 'POST', path: '/todos', body }), lambdaContext());
    expect((await post({ title: 'a' })).statusCode).toBe(201);
    expect((await post({ title: 7 })).statusCode).toBe(400);
    const crash = await crashing(httpEvent({ method: 'GET', path: '/users/7' }), lambdaContext());
    expect(crash.statusCode).toBe(500);
    const latency = { unit: 'Milliseconds', value: expect.any(Number) };
    expect(lines).toEqual([
      {
        route: 'POST /todos',
        RequestLatency: latency,
        ServerErrors: { unit: 'Count', value: 0 },
        ClientErrors: { unit: 'Count', value: 0 },
      },
      {
        route: 'POST /todos',
        RequestLatency: latency,
        ServerErrors: { unit: 'Count', value: 0 },
        ClientErrors: { unit: 'Count', value: 1 },
      },
      {
        route: 'GET /users/7',
        RequestLatency: latency,
        ServerErrors: { unit: 'Count', value: 1 },
        ClientErrors: { unit: 'Count', value: 0 },
      },
    ]);
  });

  it('names the route as API Gateway does, not the path asked: `$default` for what no route takes', async () => {
    const lines = recordMetrics();
    const event = { ...httpEvent({ method: 'GET', path: '/users/7' }), routeKey: 'GET /users/{id}' };
    await crashing(event, lambdaContext());
    const unrouted = { ...httpEvent({ method: 'GET', path: '/nowhere' }), routeKey: '' };
    await crashing(unrouted, lambdaContext());
    expect(lines.map((line) => line.route)).toEqual(['GET /users/{id}', '$default']);
  });
});
