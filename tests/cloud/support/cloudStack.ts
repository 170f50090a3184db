// The cloud tier's stack: `osls package` for a cloud stage, offline, with docs/configuration.md's stage
// parameters pointing at stand-ins on this machine, and everything the template describes run from
// the packaged artifact as AWS would run it:
//
// - every function from its own zip, on the runtime's Node major, with the template's environment
//   (lambdaRuntime.ts); every AWS call it makes checked against its own role (awsEndpoint.ts);
// - the tables and the queue created from the template's resources, as CloudFormation would;
// - PostgreSQL and RabbitMQ behind TLS, as RDS and Amazon MQ (tlsEndpoints.ts), on a database and a
//   virtual host of their own, empty until `prepareBackend` runs, as after a first deploy, which
//   makes each job's role and broker user (the broker's through a stand-in for its management API:
//   brokerManagement.ts), and every function then connects as its job's; PostgreSQL
//   through two doors, as the foundation stack gives it: RDS Proxy's, which checks what can be
//   checked of the proxy and records what would pin a session, and the instance's (rdsProxy.ts);
// - the HTTP API from the template's routes (httpApi.ts), the token issuer a test issuer;
// - each Amazon MQ event source mapping with the template's queue, batch size and window, at its
//   documented worst: a failed batch goes back to the broker whole and comes again redelivered, and
//   a batch may come twice;
// - the relay's schedule at the template's rate, so that freshness depends on the commands' wake-up.
//
// What it cannot stand in for is listed in docs/testing.md (what only an account can prove).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import pg from 'pg';
import type { AmazonMqRabbitEvent } from '../../../functions/projectors/amazonMqEvent.ts';
import { createDynamoDbClient, createSqsClient } from '../../../functions/shared/awsClients.ts';
import { databaseJobs, type DatabaseJob } from '../../../functions/shared/databaseRoles.ts';
import { rabbitmqctl } from '../../../infra/local/isolatedBackend.ts';
import { startLocalAws } from '../../../infra/local/localAws.ts';
import { startQueueBridge } from '../../../infra/local/queueBridge.ts';
import { startTestIssuer } from '../../../infra/local/testIssuer.ts';
import { roleAllows, startAwsEndpoint, type ApiCall } from './awsEndpoint.ts';
import { startBrokerManagement } from './brokerManagement.ts';
import { ACCOUNT, readCloudService, REGION, type CloudFunction } from './cloudTemplate.ts';
import { packageService } from '../../support/packageService.ts';
import { startHttpApi } from './httpApi.ts';
import { lambdaRuntime } from './lambdaRuntime.ts';
import { startXrayDaemon } from './xrayDaemon.ts';
import { INSTANCE_HOST, PROXY_HOST, startPostgresDoors } from './rdsProxy.ts';
import { amqpsEndpoint, makeCertificates } from './tlsEndpoints.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432';
const BROKER = 'amqp://guest:guest@127.0.0.1:5672';

interface CloudStackOptions {
  /** how often the relay's schedule fires; the template's rate unless given */
  scheduleMs?: number;
  /** the mappings' worst: every n-th successful batch is given back to the broker as if it failed */
  returnEveryNthBatch?: number;
}

type KeySchema = { AttributeName: string; KeyType: string }[];

/** Each table's partition key attribute, and each index's, as the template defines them. */
function partitionKeysOf(tables: Record<string, unknown>[]) {
  const hashKey = (schema: KeySchema | undefined) =>
    schema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
  return (table: string, index?: string): string | undefined => {
    // a rebuild's table (`<table>-<id>`) has its live table's keys
    const defined = tables.find(
      (candidate) => table === candidate.TableName || table.startsWith(`${String(candidate.TableName)}-`),
    ) as
      | { KeySchema?: KeySchema; GlobalSecondaryIndexes?: { IndexName: string; KeySchema: KeySchema }[] }
      | undefined;
    if (!defined) return undefined;
    if (!index) return hashKey(defined.KeySchema);
    return hashKey(defined.GlobalSecondaryIndexes?.find((each) => each.IndexName === index)?.KeySchema);
  };
}

export async function startCloudStack(options: CloudStackOptions = {}) {
  const id = `cloudtier_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const stage = 'cloudtier';
  const workDirectory = await mkdtemp(`${tmpdir()}/cloud-tier-`);
  const stoppers: (() => Promise<unknown>)[] = [
    async () => rm(workDirectory, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const stopper of stoppers.reverse()) await stopper().catch(() => undefined);
  };
  try {
    // a fresh database and virtual host, as a first deploy finds them: prepareBackend fills them,
    // and makes the jobs' roles (named in their secrets, as the foundation's are) and users
    const roleName = (job: DatabaseJob) => `${id}_${job}`;
    const admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(id)}`);
    await admin.end();
    stoppers.push(async () => {
      const client = new pg.Client({ connectionString: `${SERVER}/postgres` });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(id)} WITH (FORCE)`);
      // roles are the server's: they outlive the database
      for (const job of databaseJobs)
        await client.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(roleName(job))}`);
      await client.end();
    });
    await rabbitmqctl('add_vhost', id);
    stoppers.push(() => rabbitmqctl('delete_vhost', id));
    await rabbitmqctl('set_permissions', '-p', id, 'guest', '.*', '.*', '.*');

    const certificates = await makeCertificates(workDirectory);
    const database = await startPostgresDoors(certificates, { host: '127.0.0.1', port: 5432 });
    stoppers.push(database.stop);
    const broker = await amqpsEndpoint(certificates, { host: '127.0.0.1', port: 5672 });
    stoppers.push(broker.stop);
    const localAws = await startLocalAws();
    stoppers.push(localAws.stop);
    const issuer = await startTestIssuer({ port: 0, audience: 'cloud-tier-client' });
    stoppers.push(issuer.stop);

    const secretArn = (name: string) => `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-Ab12Cd`;
    const databaseRoleSecretArn = (job: DatabaseJob) => secretArn(`cloud-tier/database-${job}`);
    const secrets = new Map<string, string>([
      // as RDS manages its master user's secret, with the port of the tier's doors (RDS's format has
      // it; the foundation's are on 5432); the host and database come in as stage parameters. The
      // passwords are unused (the machine's PostgreSQL trusts local connections).
      [
        secretArn('cloud-tier/database'),
        JSON.stringify({ username: 'postgres', password: 'cloud-tier', port: database.port }),
      ],
      // the jobs' roles, as the foundation makes their secrets
      ...databaseJobs.map(
        (job) =>
          [
            databaseRoleSecretArn(job),
            JSON.stringify({
              username: roleName(job),
              password: randomBytes(12).toString('base64url'),
              port: database.port,
            }),
          ] as [string, string],
      ),
      [secretArn('cloud-tier/broker'), JSON.stringify({ username: 'guest', password: 'guest' })],
    ]);
    const management = await startBrokerManagement(certificates, { username: 'guest', password: 'guest' });
    stoppers.push(management.stop);
    const params = {
      brokerArn: `arn:aws:mq:${REGION}:${ACCOUNT}:broker:cloud-tier:b-0f3c2a51-7d2e-4b8e-9a61-2c0de2f7a111`,
      brokerSecretArn: secretArn('cloud-tier/broker'),
      brokerEndpoint: `amqps://localhost:${broker.port}`,
      brokerVirtualHost: id,
      // the foundation's output: the broker's console URL, where its management API is
      brokerManagementUrl: management.url,
      databaseSecretArn: secretArn('cloud-tier/database'),
      databaseCommandsSecretArn: databaseRoleSecretArn('commands'),
      databaseRelaySecretArn: databaseRoleSecretArn('relay'),
      databaseHealthSecretArn: databaseRoleSecretArn('health'),
      // the foundation stack's outputs: the proxy's endpoint for the commands, the instance's for the
      // relay and prepareBackend, and the VPC (which the tier does not model beyond the template)
      databaseHost: PROXY_HOST,
      databaseDirectHost: INSTANCE_HOST,
      databaseName: id,
      network: 'vpc',
      securityGroupIds: 'sg-0cloudtierfunctions',
      directSecurityGroupIds: 'sg-0cloudtierfunctions,sg-0cloudtierdirect',
      subnetIds: 'subnet-0cloudtiera,subnet-0cloudtierb',
      jwtIssuerUrl: issuer.url,
      jwtAudience: 'cloud-tier-client',
    };
    const packageDirectory = `${workDirectory}/package`;
    await packageService(packageDirectory, { stage, params });
    const service = await readCloudService(packageDirectory, `cqrs-commerce-${stage}`);

    // the secrets the template makes (the broker users'), generated as CloudFormation would; each
    // username gets the run's id in front, since users are the broker's and runs share this one
    const brokerUsers: string[] = [];
    for (const secret of service.secrets) {
      const value = JSON.parse(secret.generate.SecretStringTemplate) as Record<string, string>;
      if (value.username) {
        value.username = `${id}.${value.username}`;
        brokerUsers.push(value.username);
      }
      value[secret.generate.GenerateStringKey] = randomBytes(24).toString('base64url');
      secrets.set(secret.arn, JSON.stringify(value));
    }
    stoppers.push(async () => {
      for (const user of brokerUsers) await rabbitmqctl('delete_user', user).catch(() => undefined);
    });

    // what CloudFormation creates: the tables and the queue, from the template's own properties
    const dynamoDb = createDynamoDbClient({
      AWS_REGION: REGION,
      DYNAMODB_ENDPOINT: localAws.dynamoDbEndpoint,
    });
    for (const table of service.tables) {
      const { TableName, AttributeDefinitions, KeySchema, GlobalSecondaryIndexes, BillingMode } =
        table as never;
      await dynamoDb.send(
        new CreateTableCommand({
          TableName,
          AttributeDefinitions,
          KeySchema,
          GlobalSecondaryIndexes,
          BillingMode,
        }),
      );
    }
    dynamoDb.destroy();
    const sqs = createSqsClient({ AWS_REGION: REGION, SQS_ENDPOINT: localAws.sqsEndpoint });
    for (const queue of service.queues)
      await sqs.send(new CreateQueueCommand({ QueueName: queue.QueueName as string }));
    sqs.destroy();

    const functions = Object.values(service.functions);
    const accessKeys = new Map(
      functions.map((fn, index) => [`ASIACLOUDTIER${String(index).padStart(4, '0')}`, fn]),
    );
    const accessKeyOf = (fn: CloudFunction) => [...accessKeys].find(([, candidate]) => candidate === fn)![0];
    const logs: { functionName: string; line: string }[] = [];
    // eslint-disable-next-line prefer-const -- the endpoint and the runtime refer to each other
    let runtime: ReturnType<typeof lambdaRuntime>;
    const invoke = (name: string, event: unknown) => {
      const fn = service.functions[name];
      if (!fn) throw new Error(`no function ${name} in the template`);
      return runtime.invoke(fn, event);
    };
    const aws = await startAwsEndpoint({
      dynamoDbEndpoint: localAws.dynamoDbEndpoint,
      sqsEndpoint: localAws.sqsEndpoint,
      secrets,
      functionOf: (key) => accessKeys.get(key),
      invoke,
      partitionKeyOf: partitionKeysOf(service.tables),
    });
    stoppers.push(aws.stop);
    const xray = await startXrayDaemon();
    stoppers.push(xray.stop);
    runtime = lambdaRuntime({
      xrayDaemonAddress: xray.address,
      packageDirectory,
      workDirectory: `${workDirectory}/functions`,
      awsEndpoint: aws.url,
      accessKeyOf,
      caFile: certificates.caFile,
      log: (functionName, line) => logs.push({ functionName, line }),
    });
    stoppers.push(runtime.stop);
    const api = await startHttpApi({ routes: service.routes, invoke });
    stoppers.push(api.stop);

    const named = (suffix: string) => functions.find((fn) => fn.name === `cqrs-commerce-${stage}-${suffix}`)!;
    let prepared: unknown;

    /** The mappings and the schedule, once prepareBackend has made the queues they consume. */
    async function startEventSources() {
      for (const mapping of service.mappings) {
        const fn = service.functions[mapping.functionName]!;
        // the mapping reads the broker's secret and describes the broker with the function's role
        for (const [action, resource] of [
          ['mq:DescribeBroker', mapping.brokerArn],
          ['secretsmanager:GetSecretValue', mapping.basicAuthSecretArn],
        ] as const) {
          aws.calls.push({ functionName: fn.name, action, resource });
          if (!(await roleAllows(fn, action, resource)))
            aws.denials.push({ functionName: fn.name, action, resource });
        }
        const secret = JSON.parse(secrets.get(mapping.basicAuthSecretArn)!) as {
          username: string;
          password: string;
        };
        let batches = 0;
        const bridge = startQueueBridge({
          // as the mapping signs in: the projection's own user, from its BASIC_AUTH secret
          rabbitmqUrl: `amqp://${encodeURIComponent(secret.username)}:${encodeURIComponent(secret.password)}@127.0.0.1:5672/${encodeURIComponent(mapping.virtualHost)}`,
          queue: mapping.queue,
          batchSize: mapping.batchSize,
          maximumBatchingWindowMs: mapping.maximumBatchingWindowSeconds * 1000,
          eventSourceArn: mapping.brokerArn,
          onFailure: 'requeue',
          invoke: async (event: AmazonMqRabbitEvent) => {
            await invoke(mapping.functionName, event);
            batches += 1;
            if (options.returnEveryNthBatch && batches % options.returnEveryNthBatch === 0) {
              throw new Error('the mapping gives an applied batch back to the broker (at least once)');
            }
          },
          log: (message) => logs.push({ functionName: `${mapping.functionName} mapping`, line: message }),
        });
        stoppers.push(bridge.stop);
      }
      for (const schedule of service.schedules) {
        const minutes = Number(/^rate\((\d+) minutes?\)$/.exec(schedule.expression)?.[1]);
        const timer = setInterval(
          () =>
            void invoke(schedule.functionName, {
              source: 'aws.events',
              'detail-type': 'Scheduled Event',
            }).catch(() => undefined),
          options.scheduleMs ?? minutes * 60_000,
        );
        stoppers.push(async () => clearInterval(timer));
      }
    }

    return {
      stage,
      service,
      baseUrl: api.baseUrl,
      /** every AWS call checked, and those a role refused */
      calls: aws.calls as ApiCall[],
      denials: aws.denials as ApiCall[],
      logs,
      /** the segments the functions sent to X-Ray, and the trace header each invocation had */
      segments: xray.segments,
      traces: runtime.traces,
      runtime,
      invoke,
      issuer,
      /** an administrator's bearer token (the seed flows act for customers with no user) */
      authorization: async () =>
        `Bearer ${await issuer.mintToken({ sub: 'cloud-tier-operator', 'cognito:groups': ['admin'] })}`,
      /** a token of the issuer with these claims */
      tokenFor: (claims: Record<string, unknown>) => issuer.mintToken(claims),
      /** `prepareBackend`, as after a deploy; then the event sources start */
      async prepare() {
        prepared = await invoke(named('prepareBackend').name, {});
        await startEventSources();
        return prepared;
      },
      dynamoDbEndpoint: localAws.dynamoDbEndpoint,
      /** what went through RDS Proxy's door and through the instance's */
      databaseDoors: { proxy: database.proxy, instance: database.instance, port: database.port },
      /** the stage parameters the stack was packaged with */
      params,
      resourcePrefix: service.functions[named('relayEvents').name]!.environment.RESOURCE_PREFIX!,
      databaseUrl: `${SERVER}/${id}`,
      brokerUrl: `${BROKER}/${id}`,
      /** the secrets the functions read, by ARN (the jobs' credentials among them) */
      secrets,
      /** what prepareBackend gave the broker's management API */
      brokerManagement: management,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export type CloudStack = Awaited<ReturnType<typeof startCloudStack>>;
