// GET /health/dependencies, for administrators: 200 when every configured dependency answers,
// `catching_up` rather than `ok` while the read models apply what they lack; a 503 problem whose
// `dependencies` names the one that does not answer (the one error format holds for this answer too).
// The broker is checked without a broker user (dependencyChecks.ts), PostgreSQL as the health role
// (which may connect and nothing more). The result is kept 5 s per container: a flood of deep
// checks costs one PostgreSQL query, one broker handshake and a few reads every 5 s per container.
import { brokerAddress, settings } from '../shared/config.ts';
import { ServiceUnavailableError } from '../shared/errors.ts';
import { httpHandler } from '../shared/http/httpHandler.ts';
import { postgresPool } from '../shared/postgres.ts';
import { healthDependenciesRoute } from './api.ts';
import { checkHttpEndpoint, checkPostgres, checkRabbitMq } from './dependencyChecks.ts';
import { keptFor } from './keptFor.ts';
import { overallStatus, readModelProgress } from './readModelProgress.ts';

/** How long a deep check's result answers for: "a few seconds", short against an alarm's minute. */
export const DEEP_CHECK_KEPT_MS = 5_000;

const checkEverything = keptFor(DEEP_CHECK_KEPT_MS, async () => {
  const [postgres, rabbitmq, dynamodb, readModels] = await Promise.all([
    // as its own role, which may connect and nothing more
    checkPostgres(() => postgresPool('health')),
    checkRabbitMq(brokerAddress),
    checkHttpEndpoint(settings.DYNAMODB_ENDPOINT),
    readModelProgress({ consistent: true }),
  ]);
  return { checkedAt: new Date().toISOString(), dependencies: { postgres, rabbitmq, dynamodb }, readModels };
});

export const handler = httpHandler(healthDependenciesRoute, async () => {
  const { checkedAt, dependencies, readModels } = await checkEverything();
  const down = Object.entries(dependencies).filter(([, dependency]) => dependency.status === 'down');
  if (down.length > 0) {
    const error = new ServiceUnavailableError(
      `${down.map(([name]) => name).join(' and ')} ${down.length > 1 ? 'do' : 'does'} not answer`,
      5,
      'dependency_down',
    );
    Object.assign(error.extensions, { dependencies, checkedAt });
    throw error;
  }
  return {
    statusCode: 200,
    body: { status: overallStatus(readModels), checkedAt, dependencies, readModels },
  };
});
