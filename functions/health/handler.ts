// GET /health: 200 when every configured dependency answers, `catching_up` rather than `ok` while the
// read models apply what they lack; a 503 problem whose `dependencies` names the one that does not
// answer (the one error format holds for this answer too).
import { brokerAddress, settings } from '../shared/config.ts';
import { ServiceUnavailableError } from '../shared/errors.ts';
import { httpRoute } from '../shared/http/httpRoute.ts';
import { postgresPool } from '../shared/postgres.ts';
import { healthRoute } from './api.ts';
import { checkBrokerAnswers, checkHttpEndpoint, checkPostgres } from './dependencyChecks.ts';
import { readModelProgress } from './readModelProgress.ts';

export const handler = httpRoute(healthRoute, async () => {
  const [postgres, rabbitmq, dynamodb, readModels] = await Promise.all([
    // as its own role, which may connect and nothing more
    checkPostgres(() => postgresPool('health')),
    // without logging in: /health holds no broker credential
    checkBrokerAnswers(brokerAddress),
    checkHttpEndpoint(settings.DYNAMODB_ENDPOINT),
    readModelProgress(),
  ]);
  const dependencies = { postgres, rabbitmq, dynamodb };
  const down = Object.entries(dependencies).filter(([, dependency]) => dependency.status === 'down');
  if (down.length > 0) {
    const error = new ServiceUnavailableError(
      `${down.map(([name]) => name).join(' and ')} ${down.length > 1 ? 'do' : 'does'} not answer`,
      5,
      'dependency_down',
    );
    error.extensions.dependencies = dependencies;
    throw error;
  }
  const status = readModels.status === 'catching_up' ? 'catching_up' : 'ok';
  return { statusCode: 200, body: { status, dependencies, readModels } };
});
