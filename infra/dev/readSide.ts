// `npm run dev`'s DynamoDB and SQS. By default DynamoDB Local keeps the read models and their
// checkpoints across restarts, per database and prefix (keptFolders.ts), and what cannot be trusted is
// dropped to be rebuilt from the event log (keptReadModels.ts); LOCAL_DYNAMODB=memory (or a
// DYNALITE_PATH, as the tests and the benchmark give) runs dynalite instead, rebuilt at each start.
import pg from 'pg';
import { createReadModelResources, startLocalAws, type LocalAws } from './localAws.ts';
import { startDynamoDbLocal } from './dynamoDbLocal.ts';
import { forgetSaved, keptFolders, openKeptFolder, saveKeptFolder, wipeLive } from './keptFolders.ts';
import {
  dropWhatCannotBeKept,
  eventLogIdentity,
  readMarker,
  sameEventLog,
  tableHashes,
  writeMarker,
} from './keptReadModels.ts';

export interface ReadSideOptions {
  projectRoot: string;
  databaseUrl: string;
  prefix: string;
  region: string;
  dynamoDbEndpoint: string | undefined;
  sqsEndpoint: string | undefined;
  dynamoDbPort: number;
  sqsPort: number;
  /** drop whatever was kept first */
  fresh: boolean;
  log: (message: string) => void;
}

/** How the stack's DynamoDB keeps its data, from the environment. */
export function dynamoDbStore(
  env: NodeJS.ProcessEnv,
): { kind: 'kept' } | { kind: 'dynalite'; path?: string } {
  // a DYNALITE_PATH, even empty, asks for dynalite (empty: in memory), as before there was a choice
  if (env.DYNALITE_PATH !== undefined)
    return { kind: 'dynalite', ...(env.DYNALITE_PATH && { path: env.DYNALITE_PATH }) };
  if (env.LOCAL_DYNAMODB === 'memory') return { kind: 'dynalite' };
  if (env.LOCAL_DYNAMODB && env.LOCAL_DYNAMODB !== 'kept')
    throw new Error(`LOCAL_DYNAMODB: kept or memory, not ${env.LOCAL_DYNAMODB}`);
  return { kind: 'kept' };
}

export async function startReadSide(options: ReadSideOptions, env: NodeJS.ProcessEnv): Promise<LocalAws> {
  const store = options.dynamoDbEndpoint ? undefined : dynamoDbStore(env);
  if (store?.kind !== 'kept') {
    const aws = await startLocalAws({
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      sqsEndpoint: options.sqsEndpoint,
      dynamoDbPath: store?.path,
      dynamoDbPort: options.dynamoDbPort,
      sqsPort: options.sqsPort,
      region: options.region,
    });
    await createReadModelResources(options.prefix, aws, options.region);
    return aws;
  }
  const { log } = options;
  const folders = keptFolders(options.projectRoot, options.databaseUrl, options.prefix);
  await openKeptFolder(folders, options.fresh);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  try {
    const identity = await eventLogIdentity(pool);
    let marker = await readMarker(folders.live);
    if (marker && !sameEventLog(marker.eventLog, identity)) {
      log('read models: those kept were made from another event log (a recreated database): rebuilding them');
      await Promise.all([wipeLive(folders), forgetSaved(folders)]);
      marker = undefined;
    }
    const dynamo = await startDynamoDbLocal(folders.live, options.dynamoDbPort);
    const aws = await startLocalAws({
      dynamoDbEndpoint: dynamo.endpoint,
      sqsEndpoint: options.sqsEndpoint,
      sqsPort: options.sqsPort,
      region: options.region,
    });
    const dropped = await dropWhatCannotBeKept(
      { endpoint: dynamo.endpoint, prefix: options.prefix, region: options.region },
      pool,
      marker?.tables,
      () => createReadModelResources(options.prefix, aws, options.region),
    );
    await writeMarker(folders.live, { eventLog: identity, tables: tableHashes(options.prefix) });
    for (const { projection, why } of dropped)
      log(`read models: ${projection} rebuilt from the event log (${why})`);
    log(
      `read models: ${marker ? 'kept from the last run' : 'new'} in ${folders.live}` +
        (folders.live === folders.saved ? '' : ` (saved to ${folders.saved} at each stop)`),
    );
    return {
      ...aws,
      async stop() {
        await aws.stop();
        await dynamo.stop();
        await saveKeptFolder(folders);
      },
    };
  } finally {
    await pool.end();
  }
}
