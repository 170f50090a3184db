// The cloud tier: the packaged artifact of a cloud stage, run as Lambda runs it (tests/cloud/support/
// cloudStack.ts says how, and what stands in for AWS). Every function's cold start, prepareBackend on
// a fresh database and virtual host, every seed flow through the HTTP API the template describes, the
// relay woken by the commands, the projectors fed as Amazon MQ's mapping does at its worst, not one
// AWS call outside the caller's own role, and PostgreSQL reached as the foundation stack gives it: the
// commands through RDS Proxy, pinning nothing, the relay past it.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import amqp from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareReadModel } from '../../infra/operate/consistency/compareReadModels.ts';
import {
  expectedAnalytics,
  expectedDirectory,
  expectedInvoices,
} from '../../infra/operate/consistency/expectedReadModels.ts';
import { projectionCatalog, projectionNames } from '../../functions/projectors/catalog.ts';
import { contractFetch } from '../support/apiContract.ts';
import { describeOwnerAccess } from '../support/ownerAccess.ts';
import { describeSeedFlows } from '../support/seedFlows.ts';
import { roleAllows } from './support/awsEndpoint.ts';
import { startCloudStack, type CloudStack } from './support/cloudStack.ts';
import { describeDatabaseConnections } from './support/databaseConnections.ts';
import { ACCOUNT, PARTITION, REGION } from './support/cloudTemplate.ts';

let stack: CloudStack;

beforeAll(async () => {
  // every third batch a mapping delivers is given back to the broker after it was applied
  stack = await startCloudStack({ returnEveryNthBatch: 3 });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

const fn = (suffix: string) => stack.service.functions[`cqrs-commerce-${stack.stage}-${suffix}`]!;

describe('every function of the packaged artifact', () => {
  it('starts cold from its own zip, with the environment and role the template gives it', async () => {
    const failures: string[] = [];
    const initMs: number[] = [];
    for (const each of Object.values(stack.service.functions)) {
      const start = await stack.runtime.coldStart(each);
      if (start.error) failures.push(`${each.name}: ${start.error.errorType}: ${start.error.errorMessage}`);
      initMs.push(start.initMs);
    }
    expect(failures).toEqual([]);
    // a figure, not a limit: the module-scope time of each bundle (docs/testing.md, what the cloud tier proves)
    initMs.sort((a, b) => a - b);
    const at = (share: number) => Math.round(initMs[Math.floor(share * (initMs.length - 1))]!);
    console.log(`[cloud] cold start, module load: median ${at(0.5)} ms, slowest ${at(1)} ms`);
    expect(Object.keys(stack.service.functions).length).toBeGreaterThanOrEqual(30);
  });
});

describe('prepareBackend after a first deploy', () => {
  it('migrates a fresh database and declares the topology on a fresh virtual host', async () => {
    const result = (await stack.prepare()) as { migrations: string[]; topology: string };
    expect(result.topology).toBe('ready');
    expect(result.migrations.length).toBeGreaterThan(0);
    const client = new pg.Client({ connectionString: stack.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT to_regclass('event_log') AS table");
      expect(rows[0].table).toBe('event_log');
      // each job's role, under the username in its secret
      for (const arn of [
        stack.params.databaseCommandsSecretArn,
        stack.params.databaseRelaySecretArn,
        stack.params.databaseHealthSecretArn,
      ]) {
        const { username } = JSON.parse(stack.secrets.get(arn)!) as { username: string };
        const role = await client.query('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [
          username,
        ]);
        expect(role.rows, username).toEqual([{ rolcanlogin: true, rolsuper: false }]);
      }
    } finally {
      await client.end();
    }
    const connection = await amqp.connect(stack.brokerUrl);
    try {
      const channel = await connection.createChannel();
      for (const name of projectionNames) await channel.checkQueue(projectionCatalog[name].queue);
    } finally {
      await connection.close();
    }
    // each job's broker user, from the stack's secrets, through the broker's management API
    expect(stack.brokerManagement.refused).toEqual([]);
    expect(
      stack.brokerManagement.imported
        .flatMap((definitions) => definitions.users.map((user) => user.name))
        .sort(),
    ).toEqual(
      stack.service.secrets
        .map((secret) => (JSON.parse(stack.secrets.get(secret.arn)!) as { username: string }).username)
        .sort(),
    );
  });
});

describe('the seed flows through the HTTP API of the template', () => {
  describeSeedFlows(() => stack);
});

describe('per-owner access through the HTTP API of the template', () => {
  // the foundation stack's administrators: its Cognito group, as the template's default adminClaim reads
  describeOwnerAccess(() => stack, { 'cognito:groups': ['admin'] });
});

describe('signing in, checked by the Lambdas', () => {
  it('answers a missing or refused token with a 401 problem details, not API Gateway’s message', async () => {
    for (const headers of [{}, { Authorization: 'Bearer not-a-token' }]) {
      const response = await contractFetch(`${stack.baseUrl}/todos`, { headers });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('gives the functions the issuer’s keys through the issuerKeys function, for those in the VPC', () => {
    const asked = stack.calls.filter(
      (call) => call.action === 'lambda:InvokeFunction' && call.resource === fn('issuerKeys').arn,
    );
    expect(asked.map((call) => call.functionName)).toContain(fn('createTodo').name);
    expect(stack.denials).toEqual([]);
  });
});

describe('a request no route of the template takes', () => {
  it('gets a 404 problem details from the $default route, not API Gateway’s message', async () => {
    const response = await fetch(`${stack.baseUrl}/no/such/route`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, code: 'route_not_found' });
  });

  it('gets a 405 naming the methods when the path exists with others', async () => {
    const response = await fetch(`${stack.baseUrl}/api/products`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });
});

describe('the relay', () => {
  it('is woken by each command (its schedule is the template’s one minute)', async () => {
    const before = stack.calls.length;
    const response = await fetch(`${stack.baseUrl}/api/products`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: await stack.authorization() },
      body: JSON.stringify({ name: 'Lamp', category: 'Home', price: 12.5, stock: 3 }),
    });
    expect(response.status).toBe(201);
    expect(stack.calls.slice(before)).toContainEqual({
      functionName: fn('createProduct').name,
      action: 'lambda:InvokeFunction',
      resource: fn('relayEvents').arn,
    });
  });
});

describe('the projectors, fed as the Amazon MQ mapping feeds them at its worst', () => {
  it('keep every read model exact under a stream of orders, with batches given back and applied twice', async () => {
    const authorization = await stack.authorization();
    const post = (path: string, body: unknown) =>
      fetch(`${stack.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: authorization },
        body: JSON.stringify(body),
      }).then(async (response) => ({
        status: response.status,
        body: (await response.json()) as Record<string, number>,
      }));
    const product = await post('/api/products', {
      name: 'Desk',
      category: 'Office',
      price: 99.99,
      stock: 1000,
    });
    expect(product.status).toBe(201);
    const user = await post('/system-api/users', { name: 'Bea', email: 'bea@demo.com' });
    // signed in, a customer is a user
    const customers = await post('/system-api/users', [
      { name: 'Cat', email: 'cat@demo.com' },
      { name: 'Dan', email: 'dan@demo.com' },
      { name: 'Eve', email: 'eve@demo.com' },
    ]);
    const customerIds = (customers.body as unknown as { id: number }[]).map((customer) => customer.id);
    for (let i = 0; i < 40; i++) {
      const results = await Promise.all([
        post('/api/orders', {
          customerId: customerIds[i % 3],
          items: [{ productId: product.body.productId, quantity: 1 + (i % 4), price: 99.99 }],
        }),
        post('/order-service/orders', { user_id: user.body.id, amount: 10 + i, description: `order ${i}` }),
      ]);
      for (const result of results) expect(result.status).toBe(201);
    }
    // exact once the last events are through: compared until equal, for at most 90 s
    const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 2 });
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: stack.dynamoDbEndpoint,
        region: REGION,
        credentials: { accessKeyId: 'check', secretAccessKey: 'check' },
      }),
    );
    const prefix = stack.resourcePrefix;
    const compare = async () => [
      ...(await compareReadModel(db, `${prefix}-analytics`, await expectedAnalytics(pool))),
      ...(await compareReadModel(db, `${prefix}-invoices`, await expectedInvoices(pool))),
      ...(await compareReadModel(db, `${prefix}-directory`, await expectedDirectory(pool))),
    ];
    try {
      const deadline = Date.now() + 90_000;
      let differences = await compare();
      while (differences.length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        differences = await compare();
      }
      expect(differences).toEqual([]);
    } finally {
      await pool.end();
      db.destroy();
    }
    // the mappings did give batches back
    expect(stack.logs.some((entry) => /gives an applied batch back/.test(entry.line))).toBe(true);
  });
});

describe('what the functions report', () => {
  /** the metric lines (EMF) the functions printed, with who printed them */
  const emfLines = () =>
    stack.logs.flatMap(({ functionName, line }) => {
      if (!line.startsWith('{"_aws"')) return [];
      return [{ functionName, ...(JSON.parse(line) as Record<string, unknown>) }] as (Record<
        string,
        unknown
      > & {
        functionName: string;
        _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] };
      })[];
    });

  it('metrics in the namespace and with the service the template sets, by route and by projector', () => {
    const lines = emfLines();
    const service = `cqrs-commerce-${stack.stage}`;
    for (const line of lines) {
      expect(line._aws.CloudWatchMetrics[0]!.Namespace).toBe('cqrs-commerce');
      expect(line.service).toBe(service);
    }
    expect(lines).toContainEqual(
      expect.objectContaining({
        functionName: fn('placeCatalogOrder').name,
        route: 'POST /api/orders',
        RequestLatency: expect.any(Number),
        ServerErrors: 0,
        ClientErrors: 0,
      }),
    );
    // the relay measures every projector's lag, and each projector tells of its batches
    for (const projector of projectionNames) {
      expect(lines).toContainEqual(
        expect.objectContaining({
          functionName: fn('relayEvents').name,
          projector,
          EventsBehind: expect.any(Number),
          SecondsBehind: expect.any(Number),
          HeldEvents: expect.any(Number),
        }),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({ projector, AppliedEvents: expect.any(Number), ParkedEvents: 0 }),
      );
    }
    expect(lines).toContainEqual(
      expect.objectContaining({
        RelayBatchSize: expect.any(Number),
        RelayPublishLatency: expect.any(Number),
      }),
    );
  });

  it('a trace of every invocation, with its AWS calls, under the trace header Lambda gave it', () => {
    const roots = new Map(
      stack.traces.map(({ functionName, traceId }) => [/Root=([^;]+)/.exec(traceId)![1]!, functionName]),
    );
    const handlerSegments = stack.segments.filter((segment) => segment.name.startsWith('## '));
    expect(handlerSegments.length).toBeGreaterThan(0);
    for (const segment of handlerSegments) expect(roots.has(segment.trace_id)).toBe(true);
    // the functions whose calls a trace shows: a query's DynamoDB, a command's secret and wake-up
    const callsOf = (name: string) =>
      stack.segments
        .filter((segment) => segment.namespace === 'aws' && roots.get(segment.trace_id) === fn(name).name)
        .map((segment) => `${segment.name} ${segment.aws?.operation}`);
    expect(callsOf('getSyncStatus')).toContain('DynamoDB GetItem');
    expect(callsOf('placeCatalogOrder')).toEqual(
      expect.arrayContaining(['SecretsManager GetSecretValue', 'Lambda Invoke']),
    );
    // and the X-Ray SDK never complained (of an invocation without its trace data, say)
    const xraySdkComplaints =
      /Missing AWS Lambda trace data|cannot be called on an AWS Lambda segment|Failed to .*segment|context missing/i;
    expect(stack.logs.filter(({ line }) => xraySdkComplaints.test(line))).toEqual([]);
    // the log lines carry their invocation's trace
    const logged = stack.logs.find(
      ({ functionName, line }) => functionName === fn('relayEvents').name && line.includes('xray_trace_id'),
    );
    expect(roots.has((JSON.parse(logged!.line) as { xray_trace_id: string }).xray_trace_id)).toBe(true);
  });
});

describe('the roles of the template', () => {
  it('refused no call any function made', () => {
    expect(stack.denials).toEqual([]);
    // and there were calls of every kind to check
    const services = new Set(stack.calls.map((call) => call.action.split(':')[0]));
    expect([...services].sort()).toEqual(
      ['dynamodb', 'lambda', 'mq', 'secretsmanager', 'sqs'].filter((s) => services.has(s)),
    );
    expect(services.has('dynamodb') && services.has('secretsmanager') && services.has('lambda')).toBe(true);
  });

  it('allow no query a secret, and no command a table', async () => {
    const databaseSecret = fn('registerUser').environment.DATABASE_SECRET_ARN!;
    const invoicesTable = `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${stack.resourcePrefix}-invoices`;
    expect(await roleAllows(fn('getInvoice'), 'secretsmanager:GetSecretValue', databaseSecret)).toBe(false);
    expect(await roleAllows(fn('getInvoice'), 'dynamodb:PutItem', invoicesTable)).toBe(false);
    expect(await roleAllows(fn('getInvoice'), 'dynamodb:GetItem', invoicesTable)).toBe(true);
    expect(await roleAllows(fn('registerUser'), 'dynamodb:GetItem', invoicesTable)).toBe(false);
    expect(await roleAllows(fn('registerUser'), 'secretsmanager:GetSecretValue', databaseSecret)).toBe(true);
    expect(
      await roleAllows(
        fn('registerUser'),
        'secretsmanager:GetSecretValue',
        fn('relayEvents').environment.DATABASE_SECRET_ARN!,
      ),
    ).toBe(false);
    expect(
      await roleAllows(
        fn('registerUser'),
        'secretsmanager:GetSecretValue',
        fn('relayEvents').environment.BROKER_SECRET_ARN!,
      ),
    ).toBe(false);
  });
});

describe('the roles of the template, narrower than the tables and functions they name', () => {
  it('let sync-status read the checkpoints it read, and no other item (the directory holds personal data)', async () => {
    const directory = `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${stack.resourcePrefix}-directory`;
    const read = (partitionKey: string) =>
      roleAllows(fn('getSyncStatus'), 'dynamodb:GetItem', directory, {
        'dynamodb:LeadingKeys': [partitionKey],
      });
    expect(await read('CHECKPOINT')).toBe(true);
    expect(await read('USER#1')).toBe(false);
    // what it did read went through (the checkpoints, named as AWS names them: refused no call, above)
    expect(
      stack.calls.filter((call) => call.functionName === fn('getSyncStatus').name).length,
    ).toBeGreaterThan(0);
  });

  it('let no command invoke the operator’s republishEvents, which the operator tools do', () =>
    expect(
      roleAllows(fn('placeCatalogOrder'), 'lambda:InvokeFunction', fn('republishEvents').arn),
    ).resolves.toBe(false));
});

describe('PostgreSQL through RDS Proxy, and the relay past it', () => {
  // last: by now every function has connected, the relay many times
  describeDatabaseConnections(() => stack);
});
