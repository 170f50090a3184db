// prepareBackend for the stacks on this machine (`npm run dev`, the tests', the benchmark's): the
// local jobs' credentials (functions/shared/localCredentials.ts), and the broker's users through
// its management API when RABBITMQ_MANAGEMENT_URL names one (the compose file's broker), else through
// rabbitmqctl, which talks to the broker running on this machine (the management plugin is not on
// here, and the tests never reconfigure a shared service).
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import {
  importThroughManagementApi,
  type ImportDefinitions,
} from '../../functions/operations/brokerPermissions.ts';
import { EVENTS_EXCHANGE } from '../../functions/operations/brokerTopology.ts';
import { prepareBackend } from '../../functions/operations/preparation.ts';
import { brokerJobs } from '../../functions/shared/brokerUsers.ts';
import {
  localBrokerCredentials,
  localBrokerUsers,
  localDatabaseRoles,
} from '../../functions/shared/localCredentials.ts';

const run = promisify(execFile);

/** rabbitmqctl on this machine; each call starts an Erlang node (0.4 s here). */
export const rabbitmqctl = (...args: string[]) => run('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });

/** `rabbitmqctl import_definitions`, the document on its standard input (no file holds the hashes). */
export const importWithRabbitmqctl: ImportDefinitions = (definitions) =>
  new Promise((resolve, reject) => {
    const child = spawn('rabbitmqctl', ['-q', 'import_definitions'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', (error) =>
      reject(
        new Error(
          `cannot give the broker its users: rabbitmqctl is not available (${error.message}); for a broker ` +
            'elsewhere, set RABBITMQ_MANAGEMENT_URL to its management API (e.g. http://127.0.0.1:15672)',
        ),
      ),
    );
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`rabbitmqctl import_definitions failed: ${errors.trim()}`)),
    );
    child.stdin.end(JSON.stringify(definitions));
  });

const administrator = (brokerUrl: string) => {
  const url = new URL(brokerUrl);
  return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
};

/** How the local stack hands the broker its users' definitions. */
export const localImportDefinitions = (brokerUrl: string): ImportDefinitions =>
  process.env.RABBITMQ_MANAGEMENT_URL
    ? importThroughManagementApi(process.env.RABBITMQ_MANAGEMENT_URL, administrator(brokerUrl))
    : importWithRabbitmqctl;

export interface LocalBackend {
  /** the owner's connection string (DATABASE_URL) */
  databaseUrl: string;
  /** the administrator's, on the stack's virtual host (RABBITMQ_URL) */
  brokerUrl: string;
  exchange?: string;
  log?: (message: string) => void;
}

/** The migrations, the roles, the topology and the users, as the local stack has them. */
export const prepareLocalBackend = ({
  databaseUrl,
  brokerUrl,
  exchange = EVENTS_EXCHANGE,
  log,
}: LocalBackend) =>
  prepareBackend({
    databaseUrl,
    roles: localDatabaseRoles(databaseUrl),
    brokerUrl,
    users: localBrokerUsers(brokerUrl),
    importDefinitions: localImportDefinitions(brokerUrl),
    exchange,
    log,
  });

/**
 * Deletes the job users of `brokerUrl`'s virtual host (users are the broker's: deleting a virtual
 * host leaves them), those that exist: what a test's or the benchmark's stack leaves behind.
 */
export async function deleteLocalBrokerUsers(brokerUrl: string): Promise<void> {
  const names = brokerJobs.map((job) => localBrokerCredentials(brokerUrl, job).username);
  const { stdout } = await rabbitmqctl('list_users', '--silent', '--no-table-headers');
  const existing = new Set(stdout.split('\n').map((line) => line.split('\t')[0]));
  for (const name of names) if (existing.has(name)) await rabbitmqctl('delete_user', name);
}
