// GET /health: whether PostgreSQL, RabbitMQ and DynamoDB answer, and whether the read models are current.
import { z } from 'zod';
import { operationContract } from '../shared/http/routeContract.ts';

const dependencyStatus = z
  .object({
    status: z.enum(['up', 'down', 'not_configured']),
    latencyMs: z.number().nonnegative().optional(),
    /** a timeout, a network error's code or `unavailable`: never a message (it may name secrets) */
    error: z.string().optional(),
  })
  .meta({ id: 'DependencyStatus' });

export const dependencies = z.object({
  postgres: dependencyStatus,
  rabbitmq: dependencyStatus,
  dynamodb: dependencyStatus,
});

/** per stream, as sync-status names them: every projection's, and each partition of a split one */
const projectorsBehind = z.record(z.string(), z.number().int().nonnegative()).meta({
  description:
    'per stream, the events it has still to apply: `directory`, then `directory.1`… when a projection has several partitions',
});

/**
 * Catching up is still a 200: writes are taken and nothing is lost, and reads answer (older, and
 * `X-Min-Position` says so). Every instance serves the same read models, so a 503 would take them all
 * out of a load balancer at once and turn a lag into an outage.
 */
export const readModels = z
  .union([
    z.object({
      status: z.enum(['current', 'catching_up']),
      /** numbers published in the streams and not applied yet */
      eventsBehind: z.number().int().nonnegative(),
      projectors: projectorsBehind,
    }),
    z.object({ status: z.literal('unknown') }),
  ])
  .meta({ id: 'ReadModelProgress' });

const up = { status: 'up', latencyMs: 3 };
const current = {
  status: 'current',
  eventsBehind: 0,
  projectors: { invoices: 0, analytics: 0, directory: 0 },
};

export const healthRoute = operationContract({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  tag: 'operations',
  summary: 'Whether the dependencies answer and the read models are current',
  description:
    '200 when every configured dependency answers: `status` is `ok` when the read models have applied every published event, `catching_up` while they apply what they lack (after a restart, an outage, a rebuild; `readModels` says how far), still a 200 since writes are taken and reads answer, older; otherwise a 503 problem (code dependency_down) whose `dependencies` says which does not answer.',
  access: 'public',
  responses: {
    200: {
      description: 'every dependency answers; the read models are current, or catching up',
      body: z.object({ status: z.enum(['ok', 'catching_up']), dependencies, readModels }),
      examples: {
        ok: { status: 'ok', dependencies: { postgres: up, rabbitmq: up, dynamodb: up }, readModels: current },
        catchingUp: {
          status: 'catching_up',
          dependencies: { postgres: up, rabbitmq: up, dynamodb: up },
          readModels: {
            status: 'catching_up',
            eventsBehind: 1840,
            projectors: { invoices: 0, analytics: 412, directory: 1428 },
          },
        },
      },
    },
  },
  errors: { 503: ['dependency_down'] },
});
