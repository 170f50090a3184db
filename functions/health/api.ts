// GET /health: whether PostgreSQL, RabbitMQ and DynamoDB answer.
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

const up = { status: 'up', latencyMs: 3 };

export const healthRoute = operationContract({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  tag: 'operations',
  summary: 'Whether the dependencies answer',
  description:
    '200 when every configured dependency answers; otherwise a 503 problem (code dependency_down) whose `dependencies` says which does not.',
  access: 'public',
  responses: {
    200: {
      description: 'every dependency answers',
      body: z.object({ status: z.literal('ok'), dependencies }),
      examples: { ok: { status: 'ok', dependencies: { postgres: up, rabbitmq: up, dynamodb: up } } },
    },
  },
  errors: { 503: ['dependency_down'] },
});
