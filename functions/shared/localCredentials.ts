// How the local stack's jobs sign in, where there is no Secrets Manager: each as its own role and
// user (named by databaseRoles.ts and brokerUsers.ts), with a password derived from the owner's or
// the administrator's (DATABASE_URL's, RABBITMQ_URL's), which the developer already holds. Derived,
// so that every process of the stack computes the same one without passing it around, and no two
// identities share a password. prepareBackend gives the roles and users these passwords locally;
// in the cloud each job's password is in its own secret.
import { createHmac } from 'node:crypto';
import { brokerJobs, localBrokerUserName, virtualHostOf, type BrokerJob } from './brokerUsers.ts';
import { databaseJobs, databaseNameOf, localRoleName, type DatabaseJob } from './databaseRoles.ts';

export interface Credentials {
  username: string;
  password: string;
}

/** A job's local password: an HMAC of its name under the password it is derived from. */
export const localPassword = (fromPassword: string, username: string) =>
  createHmac('sha256', fromPassword).update(username).digest('base64url');

const passwordOf = (url: URL) => decodeURIComponent(url.password);

/** The job's role on DATABASE_URL's database, with its local password. */
export function localDatabaseCredentials(ownerUrl: string, job: DatabaseJob): Credentials {
  const username = localRoleName(databaseNameOf(ownerUrl), job);
  return { username, password: localPassword(passwordOf(new URL(ownerUrl)), username) };
}

/** The job's user on RABBITMQ_URL's virtual host, with its local password. */
export function localBrokerCredentials(adminUrl: string, job: BrokerJob): Credentials {
  const username = localBrokerUserName(virtualHostOf(adminUrl), job);
  return { username, password: localPassword(passwordOf(new URL(adminUrl)), username) };
}

const signedInAs = (url: string, { username, password }: Credentials) => {
  const signed = new URL(url);
  signed.username = encodeURIComponent(username);
  signed.password = encodeURIComponent(password);
  return signed.toString();
};

/** DATABASE_URL, signed in as the job's role. */
export const localJobDatabaseUrl = (ownerUrl: string, job: DatabaseJob) =>
  signedInAs(ownerUrl, localDatabaseCredentials(ownerUrl, job));

/** RABBITMQ_URL, signed in as the job's user. */
export const localJobBrokerUrl = (adminUrl: string, job: BrokerJob) =>
  signedInAs(adminUrl, localBrokerCredentials(adminUrl, job));

/** Every database job's local credentials: what prepareBackend gives the roles locally. */
export const localDatabaseRoles = (ownerUrl: string) =>
  Object.fromEntries(databaseJobs.map((job) => [job, localDatabaseCredentials(ownerUrl, job)])) as Record<
    DatabaseJob,
    Credentials
  >;

/** Every broker job's local credentials: what prepareBackend gives the users locally. */
export const localBrokerUsers = (adminUrl: string) =>
  Object.fromEntries(brokerJobs.map((job) => [job, localBrokerCredentials(adminUrl, job)])) as Record<
    BrokerJob,
    Credentials
  >;
