// GET /health, public and shallow: whether the read models are current. GET /health/dependencies, for
// administrators: whether PostgreSQL, RabbitMQ and DynamoDB answer, and the same about the read models.
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
const catchingUp = {
  status: 'catching_up',
  eventsBehind: 1840,
  projectors: { invoices: 0, analytics: 412, directory: 1428 },
};

export const healthRoute = operationContract({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  handler: 'functions/health/handler.ts',
  functionName: 'health',
  reads: ['checkpoints', 'streamHead'],
  tag: 'operations',
  summary: 'Whether the service answers and the read models are current',
  description:
    'Public and shallow: it reads the read models’ progress (a few items of DynamoDB) and touches neither PostgreSQL nor the broker, so that calling it costs no connection. `status` is `ok` when the read models have applied every published event, `catching_up` while they apply what they lack (after a restart, an outage, a rebuild; `readModels` says how far), still a 200 since writes are taken and reads answer, older. Whether each dependency answers is GET /health/dependencies, for administrators.',
  access: 'public',
  responses: {
    200: {
      description: 'the service answers; the read models are current, or catching up',
      body: z.object({ status: z.enum(['ok', 'catching_up']), readModels }),
      examples: {
        ok: { status: 'ok', readModels: current },
        catchingUp: { status: 'catching_up', readModels: catchingUp },
      },
    },
  },
});

const checkedAt = z.iso.datetime().meta({
  description: 'when the checks ran: the answer is kept a few seconds, so a flood of checks costs one',
  example: '2026-02-11T16:35:00.000Z',
});

export const healthDependenciesRoute = operationContract({
  operationId: 'getDependencyHealth',
  method: 'GET',
  path: '/health/dependencies',
  handler: 'functions/health/checkDependencies.ts',
  functionName: 'healthDependencies',
  reads: ['databaseConnection', 'checkpoints', 'streamHead'],
  tag: 'operations',
  summary: 'Whether each dependency answers (administrators)',
  description:
    'The deep check, for administrators: PostgreSQL answers a query, the broker answers the AMQP handshake (no broker user is needed: the check stops before signing in), DynamoDB and the read models as GET /health says. 200 when every configured dependency answers, `status` as GET /health’s; otherwise a 503 problem (code dependency_down) whose `dependencies` says which does not answer. The result is kept 5 s (`checkedAt`).',
  access: 'administrator',
  responses: {
    200: {
      description: 'every dependency answers; the read models are current, or catching up',
      body: z.object({ status: z.enum(['ok', 'catching_up']), checkedAt, dependencies, readModels }),
      examples: {
        ok: {
          status: 'ok',
          checkedAt: '2026-02-11T16:35:00.000Z',
          dependencies: { postgres: up, rabbitmq: up, dynamodb: up },
          readModels: current,
        },
        catchingUp: {
          status: 'catching_up',
          checkedAt: '2026-02-11T16:35:00.000Z',
          dependencies: { postgres: up, rabbitmq: up, dynamodb: up },
          readModels: catchingUp,
        },
      },
    },
  },
  errors: { 503: ['dependency_down'] },
});
