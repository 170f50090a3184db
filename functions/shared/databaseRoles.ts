// Who signs in to PostgreSQL, and as whom. Each job that connects has a role of its own, with only
// the privileges its statements need (functions/operations/databaseGrants.ts, applied by
// prepareBackend): the commands append to the event log but never change or delete it, the relay
// marks what it published, the health check connects and nothing more. The tables belong to the
// owner who runs the migrations (RDS's master user, locally the DATABASE_URL's user); no job may
// change the schema. decision 0036, "A role per job".

export const databaseJobs = ['commands', 'relay', 'health'] as const;
export type DatabaseJob = (typeof databaseJobs)[number];

/**
 * The role a job signs in as, locally: named after the database, so that every database on a
 * server (a developer's, each test's) has roles of its own. In the cloud the role is the username in
 * the job's secret (the foundation names them the same way, after its database `commerce`).
 */
export const localRoleName = (database: string, job: DatabaseJob) => `${database}_${job}`;

/** The database a connection string names. */
export const databaseNameOf = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
