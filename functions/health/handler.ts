// GET /health: 200 when every configured dependency answers, 503 naming the one that does not.
import { brokerUrl, settings } from '../shared/config.ts';
import { httpRoute } from '../shared/http/httpRoute.ts';
import { postgresPool } from '../shared/postgres.ts';
import { checkHttpEndpoint, checkPostgres, checkRabbitMq } from './dependencyChecks.ts';

export const handler = httpRoute({ access: 'public' }, async () => {
  const [postgres, rabbitmq, dynamodb] = await Promise.all([
    checkPostgres(postgresPool),
    checkRabbitMq(brokerUrl, settings.EVENTS_EXCHANGE),
    checkHttpEndpoint(settings.DYNAMODB_ENDPOINT),
  ]);
  const dependencies = { postgres, rabbitmq, dynamodb };
  const healthy = Object.values(dependencies).every((dependency) => dependency.status !== 'down');
  return { statusCode: healthy ? 200 : 503, body: { status: healthy ? 'ok' : 'degraded', dependencies } };
});
