// Who connects to the broker, and as whom. Each job that does has a user of its own, with only the
// permissions it needs (functions/operations/brokerPermissions.ts, given by prepareBackend): the
// relay publishes to the project's exchanges, each projection's event source mapping consumes that
// projection's queues. Nothing else connects: the health check does not log in. decision 0036,
// "A role per job".
import { projectionNames, type ProjectionName } from '../projectors/catalog.ts';

export type BrokerJob = 'relay' | ProjectionName;
export const brokerJobs: readonly BrokerJob[] = ['relay', ...projectionNames];

/**
 * The user a job connects as, locally: named after the virtual host, so that each virtual host on a
 * broker (a developer's, each test's) has users of its own (users are the broker's, not a virtual
 * host's). In the cloud the user is the username in the job's secret (`<stage prefix>.<job>`).
 */
export const localBrokerUserName = (virtualHost: string, job: BrokerJob) =>
  `${virtualHost === '/' ? 'cqrs-commerce' : virtualHost}.${job}`;

/** The virtual host amqplib opens for this URL: the decoded path, `/` when there is none. */
export function virtualHostOf(url: string): string {
  const path = new URL(url).pathname.slice(1);
  return path === '' ? '/' : decodeURIComponent(path);
}
