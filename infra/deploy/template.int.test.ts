// Packages the service offline (no credentials, no network) and checks the CloudFormation template:
// routes, functions, event source mappings, least-privilege IAM, tables equal to the local ones.
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/apiDocs/apiRoutes.ts';
import { projectionCatalog, projectionNames } from '../../functions/projectors/catalog.ts';
import { routeKey } from '../../functions/shared/http/routeContract.ts';
import { packageService } from '../../tests/support/packageService.ts';
import { isRouteEvent, writtenFunctions } from '../../tests/support/serverlessFunctions.ts';
import { checkTemplate } from './cloudFormationSpec.ts';
import { tableDefinitions } from './readModelResources.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const PREFIX = 'cqrs-commerce-ci';

interface Statement {
  Action: string[];
  Resource: unknown;
}
type Resource = { Type: string; Properties: Record<string, unknown> };
let template: { Resources: Record<string, Resource> };
let resources: Record<string, Resource>;
let packageDirectory: string;

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example';
const AUDIENCE = 'example-app-client';
const ORIGINS = ['https://shop.example', 'https://admin.example'];
const ALARM_EMAIL = 'oncall@shop.example';
beforeAll(async () => {
  packageDirectory = await mkdtemp(`${tmpdir()}/package-`);
  template = (await packageService(packageDirectory, {
    stage: 'ci',
    params: {
      jwtIssuerUrl: ISSUER,
      jwtAudience: AUDIENCE,
      corsAllowedOrigins: ORIGINS.join(','),
      alarmEmail: ALARM_EMAIL,
    },
  })) as typeof template;
  resources = template.Resources;
}, 300_000);

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);
function statementsOf(functionName: string): Statement[] {
  const role = resources[`${functionName[0]!.toUpperCase()}${functionName.slice(1)}IamRoleLambdaExecution`]!;
  const policies = role.Properties.Policies as { PolicyDocument: { Statement: Statement[] } }[];
  return policies.flatMap((policy) => policy.PolicyDocument.Statement);
}
const actionsOf = (functionName: string) =>
  statementsOf(functionName).flatMap((statement) => statement.Action);

const commands = [
  'createSystemApiUsers',
  'registerUser',
  'updateUser',
  'deleteUser',
  'createAccounts',
  'placeServiceOrders',
  'placeCatalogOrder',
  'createProduct',
  'createTodo',
  'completeTodo',
  'deleteTodo',
];
const queries = [
  'listSystemApiUsers',
  'listAccounts',
  'listServiceOrders',
  'listUsers',
  'getUser',
  'listTodos',
  'getInvoices',
  'getInvoice',
  'getProductSales',
  'getCategoryRevenue',
  'getCustomerLifetimeValue',
  'getHourlySales',
  'getSyncStatus',
];
const projectors = ['invoicesProjector', 'analyticsProjector', 'directoryProjector'];

describe('the packaged template', () => {
  it('has every route the OpenAPI document describes, and the catch-all', () => {
    const routes = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties.RouteKey as string);
    // $default: whatever no other route takes gets a 404 problem details (functions/fallback)
    expect(routes.sort()).toEqual([...apiRoutes.map(routeKey), '$default'].sort());
  });

  it('serves each route with the Lambda built on that route’s contract', async () => {
    for (const fn of Object.values(await writtenFunctions())) {
      const route = fn.events?.find(isRouteEvent)?.httpApi;
      if (!route) continue;
      const module = (await import(`${projectRoot}/${fn.handler.replace(/\.handler$/, '.ts')}`)) as {
        handler: { route?: string };
      };
      expect(module.handler.route, fn.handler).toBe(`${route.method} ${route.path}`);
    }
  });

  it('leaves tokens to the Lambdas: no JWT authorizer, the issuer given to every function, its keys to those that check them', async () => {
    // API Gateway's authorizer would answer its own 401 body; the Lambdas answer problem details
    expect(ofType('AWS::ApiGatewayV2::Authorizer')).toEqual([]);
    for (const [, route] of ofType('AWS::ApiGatewayV2::Route')) {
      expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    }
    const functions = Object.fromEntries(ofType('AWS::Lambda::Function'));
    const issuerKeys = Object.entries(functions).find(([id]) => id.startsWith('IssuerKeys'))!;
    for (const [, fn] of Object.entries(functions)) {
      const environment = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(environment).toMatchObject({
        AUTH_ISSUER_URL: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
        AUTH_KEYS_FROM: 'function',
      });
    }
    // the protected routes' functions, and they alone besides the relay's wakers, may ask issuerKeys
    const declared = new Map<string, string>();
    for (const [name, fn] of Object.entries(await writtenFunctions())) {
      const route = fn.events?.find(isRouteEvent)?.httpApi;
      if (!route) continue;
      const module = (await import(`${projectRoot}/${fn.handler.replace(/\.handler$/, '.ts')}`)) as {
        handler: { access: string };
      };
      declared.set(name, module.handler.access);
      const mayAsk = statementsOf(name).some(
        (statement) =>
          statement.Action.includes('lambda:InvokeFunction') &&
          JSON.stringify(statement.Resource).includes('-issuerKeys'),
      );
      expect(mayAsk, name).toBe(module.handler.access !== 'public');
    }
    expect([...declared].filter(([, access]) => access === 'public').map(([name]) => name)).toEqual(
      expect.arrayContaining(['health', 'getOpenApiDocument']),
    );
    for (const name of ['createProduct', 'healthDependencies', 'getSyncStatus', 'getProductSales'])
      expect(declared.get(name), name).toBe('administrator');
    // its logs and traces, nothing else
    expect(actionsOf('issuerKeys').filter((action) => !/^(logs|xray):/.test(action))).toEqual([]);
    expect(issuerKeys[1].Properties).not.toHaveProperty('VpcConfig');
  });

  it('lets browsers call the API from the configured origins only', () => {
    const [[, api]] = ofType('AWS::ApiGatewayV2::Api') as [[string, Resource]];
    expect(api.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ORIGINS,
      AllowHeaders: expect.arrayContaining(['Authorization', 'Content-Type', 'Idempotency-Key']),
      ExposeHeaders: expect.arrayContaining(['X-Event-Position']),
    });
    expect(api.Properties.CorsConfiguration).not.toHaveProperty('AllowCredentials', true);
  });

  it('has every function on nodejs24.x, each in a small bundle of its own', async () => {
    const functions = ofType('AWS::Lambda::Function');
    // plus the two health checks, the relay, prepareBackend, republishEvents, the fallback, issuerKeys and the three of
    // the API's description
    expect(functions).toHaveLength(commands.length + queries.length + projectors.length + 10);
    for (const [, fn] of functions) expect(fn.Properties.Runtime).toBe('nodejs24.x');
    // 1.5 to 2.0 MB, source maps and the tracer's X-Ray SDK included
    for (const file of (await readdir(packageDirectory)).filter((name) => name.endsWith('.zip'))) {
      // the reference page's assets carry Swagger UI too (about 0.6 MB zipped)
      const limit = file === 'getApiReferenceAsset.zip' ? 3_100_000 : 2_500_000;
      expect((await stat(`${packageDirectory}/${file}`)).size, file).toBeLessThan(limit);
    }
  });

  it('traces every function with X-Ray, each role allowing it to send its segments and nothing more inherited', () => {
    const functions = ofType('AWS::Lambda::Function');
    for (const [name, fn] of functions) expect(fn.Properties.TracingConfig, name).toEqual({ Mode: 'Active' });
    const tracing = {
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      Resource: '*',
    };
    for (const name of [
      ...commands,
      ...queries,
      ...projectors,
      'health',
      'healthDependencies',
      'relayEvents',
      'prepareBackend',
      'republishEvents',
      'fallback',
    ]) {
      const statements = statementsOf(name);
      expect(statements, name).toContainEqual(tracing);
      // the fallback's own list is empty: logs and tracing are all it may do
      if (name === 'fallback')
        expect(statements.map((statement) => statement.Action[0])).toEqual([
          'logs:CreateLogStream',
          'xray:PutTraceSegments',
        ]);
    }
  });

  it('feeds each projector from its queue with the batching of the projection catalog', () => {
    const mappings = ofType('AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    expect(mappings).toHaveLength(3);
    for (const source of Object.values(projectionCatalog)) {
      expect(mappings).toContainEqual(
        expect.objectContaining({
          Queues: [source.queue],
          BatchSize: source.batchSize,
          MaximumBatchingWindowInSeconds: source.maximumBatchingWindowSeconds,
          SourceAccessConfigurations: expect.arrayContaining([
            expect.objectContaining({ Type: 'BASIC_AUTH' }),
            { Type: 'VIRTUAL_HOST', URI: '/' },
          ]),
        }),
      );
    }
  });

  it('gives query functions no write action and command functions no DynamoDB at all', () => {
    const writes = /^(dynamodb:(Put|Update|Delete|BatchWrite)|sqs:Send)/;
    for (const query of queries)
      expect(
        actionsOf(query).filter((action) => writes.test(action)),
        query,
      ).toEqual([]);
    for (const command of commands) {
      expect(
        actionsOf(command).filter((action) => action.startsWith('dynamodb:')),
        command,
      ).toEqual([]);
    }
  });

  it('lets a projector write only its own tables and send only to the dead-letter queue', () => {
    for (const projector of projectors) {
      const own = projector.replace('Projector', '');
      for (const statement of statementsOf(projector)) {
        const targets = JSON.stringify(statement.Resource);
        if (statement.Action.some((action) => /^dynamodb:(Put|Update|BatchWrite|Delete)/.test(action)))
          expect(targets).toContain(`-${own}*`);
        if (statement.Action.some((action) => action.startsWith('sqs:')))
          expect(targets).toContain('projector-dead-letters');
      }
    }
  });

  it('never grants a data action on every resource', () => {
    for (const [name, role] of ofType('AWS::IAM::Role')) {
      const policies = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
      for (const statement of policies.flatMap((policy) => policy.PolicyDocument.Statement)) {
        if (statement.Action.some((action) => /^(dynamodb|sqs|lambda|secretsmanager):/.test(action))) {
          expect(JSON.stringify(statement.Resource), name).not.toMatch(/^"\*"$|\["\*"\]/);
        }
      }
    }
  });

  it('declares the tables the local stack creates, with the same keys and indexes', () => {
    const declared = ofType('AWS::DynamoDB::Table').map(([, table]) => {
      const { PointInTimeRecoverySpecification, DeletionProtectionEnabled, ...keys } = table.Properties;
      // a `ci` stage is not a production stage: no deletion protection there
      expect([PointInTimeRecoverySpecification, DeletionProtectionEnabled]).toEqual([
        { PointInTimeRecoveryEnabled: false },
        false,
      ]);
      return { ...keys, TableName: String(table.Properties.TableName).replace('cqrs-commerce-ci', PREFIX) };
    });
    expect(declared.sort((a, b) => a.TableName.localeCompare(b.TableName))).toEqual(
      tableDefinitions(PREFIX).sort((a, b) => a.TableName!.localeCompare(b.TableName!)),
    );
    expect(ofType('AWS::SQS::Queue').map(([, queue]) => queue.Properties.QueueName)).toEqual([
      `${PREFIX}-projector-dead-letters`,
    ]);
  });

  describe('alarms', () => {
    const alarms = () => Object.fromEntries(ofType('AWS::CloudWatch::Alarm'));
    const toTopic = { AlarmActions: [{ Ref: 'AlarmTopic' }], OKActions: [{ Ref: 'AlarmTopic' }] };

    it('on any event waiting in the dead-letter queue', () => {
      expect(alarms().DeadLetteredEventsAlarm!.Properties).toMatchObject({
        ...toTopic,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': ['ProjectorDeadLetterQueue', 'QueueName'] } },
        ],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    });

    it('on each projector of the catalog falling behind, on the metric and dimensions the functions emit, and on the relay falling silent', () => {
      const environment = (
        resources.RelayEventsLambdaFunction!.Properties.Environment as { Variables: Record<string, string> }
      ).Variables;
      const lag = Object.values(alarms()).filter((alarm) => alarm.Properties.MetricName === 'SecondsBehind');
      expect(lag).toHaveLength(projectionNames.length);
      for (const projector of projectionNames) {
        expect(lag.map((alarm) => alarm.Properties)).toContainEqual(
          expect.objectContaining({
            ...toTopic,
            Namespace: environment.POWERTOOLS_METRICS_NAMESPACE,
            Dimensions: [
              { Name: 'service', Value: environment.POWERTOOLS_SERVICE_NAME },
              { Name: 'projector', Value: projector },
            ],
            Statistic: 'Maximum',
            Period: 60,
            Threshold: 300,
            EvaluationPeriods: 5,
            DatapointsToAlarm: 5,
            ComparisonOperator: 'GreaterThanThreshold',
            TreatMissingData: 'breaching',
          }),
        );
      }
      expect(environment).toMatchObject({
        POWERTOOLS_METRICS_NAMESPACE: 'cqrs-commerce',
        POWERTOOLS_SERVICE_NAME: 'cqrs-commerce-ci',
        POWERTOOLS_METRICS_DISABLED: 'false',
      });
    });

    it('on the HTTP API answering more than 5% of its requests with 5xx', () => {
      const { Metrics, ...rest } = alarms().HttpApiServerErrorsAlarm!.Properties as {
        Metrics: { Id: string; MetricStat?: { Metric: Record<string, unknown> }; Expression?: string }[];
      };
      expect(rest).toMatchObject({ ...toTopic, Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
      const dimensions = [
        { Name: 'ApiId', Value: { Ref: 'HttpApi' } },
        { Name: 'Stage', Value: '$default' },
      ];
      expect(Metrics.find((metric) => metric.Id === 'errors')!.MetricStat!.Metric).toEqual({
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: dimensions,
      });
      expect(Metrics.find((metric) => metric.Id === 'requests')!.MetricStat!.Metric).toEqual({
        Namespace: 'AWS/ApiGateway',
        MetricName: 'Count',
        Dimensions: dimensions,
      });
      expect(Metrics.find((metric) => metric.Expression)!.Expression).toBe(
        'IF(requests >= 10, 100 * errors / requests, 0)',
      );
      // the stage the alarm watches is the HTTP API's one stage
      expect(resources.HttpApiStage!.Properties.StageName).toBe('$default');
    });

    it('notify a topic of the stack’s own, which the alarmEmail parameter is subscribed to', () => {
      expect(ofType('AWS::SNS::Topic')).toEqual([
        [
          'AlarmTopic',
          expect.objectContaining({
            Properties: expect.objectContaining({
              Subscription: [{ Protocol: 'email', Endpoint: ALARM_EMAIL }],
            }),
          }),
        ],
      ]);
    });

    it('notify the topic of the alarmTopicArn parameter instead, at the thresholds of the stage parameters', async () => {
      const topicArn = 'arn:aws:sns:us-east-1:123456789012:oncall';
      const given = (await packageService(await mkdtemp(`${tmpdir()}/package-alarms-`), {
        stage: 'ci',
        params: {
          alarmTopicArn: topicArn,
          alarmLagSeconds: '120',
          alarmLagMinutes: '3',
          alarm5xxPercent: '1',
        },
      })) as { Resources: Record<string, Resource> };
      const types = Object.values(given.Resources).map((resource) => resource.Type);
      expect(types).not.toContain('AWS::SNS::Topic');
      const alarms = Object.values(given.Resources).filter(
        (resource) => resource.Type === 'AWS::CloudWatch::Alarm',
      );
      expect(alarms).toHaveLength(projectionNames.length + 2);
      for (const alarm of alarms) {
        expect(alarm.Properties).toMatchObject({ AlarmActions: [topicArn], OKActions: [topicArn] });
      }
      const lag = alarms.filter((alarm) => alarm.Properties.MetricName === 'SecondsBehind');
      for (const alarm of lag)
        expect(alarm.Properties).toMatchObject({
          Threshold: 120,
          EvaluationPeriods: 3,
          DatapointsToAlarm: 3,
        });
      expect(given.Resources.HttpApiServerErrorsAlarm!.Properties.Threshold).toBe(1);
    }, 300_000);
  });

  it('is accepted by the CloudFormation resource specification', async () => {
    expect(await checkTemplate(template)).toEqual([]);
  });

  it('takes the partition from AWS::Partition: no ARN of its own names `aws`', () => {
    // the local placeholders of the broker and secret parameters (account 000000000000) aside
    const literal = [...JSON.stringify(template).matchAll(/arn:aws:[^"]*/g)]
      .map(([arn]) => arn)
      .filter((arn) => !arn.includes(':000000000000:'));
    expect(literal).toEqual([]);
  });

  it('puts only the functions that reach PostgreSQL and the broker in the VPC given as stage parameters, on the longest stage, in a region of the longest names', async () => {
    const directory = await mkdtemp(`${tmpdir()}/package-vpc-`);
    // 25 characters: the longest stage whose function names fit Lambda's 64 (the plugin
    // infra/deploy/plugins/awsNameLimits.cjs refuses a longer one, naming the limit)
    const template = (await packageService(directory, {
      stage: 'production-eu-customer-1x',
      region: 'ap-southeast-2',
      params: { network: 'vpc', securityGroupIds: 'sg-1', subnetIds: 'subnet-a,subnet-b' },
    })) as { Resources: Record<string, Resource> };
    const inVpc = Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function' && resource.Properties.VpcConfig)
      .map(([name]) => name.replace(/LambdaFunction$/, ''))
      .sort();
    const expected = [...commands, 'healthDependencies', 'relayEvents', 'prepareBackend', 'republishEvents']
      .map((name) => `${name[0]!.toUpperCase()}${name.slice(1)}`)
      .sort();
    expect(inVpc).toEqual(expected);
    expect(template.Resources.RelayEventsLambdaFunction!.Properties.VpcConfig).toEqual({
      SecurityGroupIds: { 'Fn::Split': [',', 'sg-1'] },
      SubnetIds: { 'Fn::Split': [',', 'subnet-a,subnet-b'] },
    });
    // without corsAllowedOrigins no browser origin is allowed: no CORS configuration at all
    expect(template.Resources.HttpApi!.Properties).not.toHaveProperty('CorsConfiguration');
    // no role has a name of its own to outgrow IAM's 64 characters: CloudFormation names them
    for (const resource of Object.values(template.Resources)) {
      if (resource.Type === 'AWS::IAM::Role')
        expect([undefined, '{"Ref":"AWS::NoValue"}']).toContain(JSON.stringify(resource.Properties.RoleName));
    }
    // and without those parameters nothing is in a VPC
    expect(ofType('AWS::Lambda::Function').filter(([, fn]) => fn.Properties.VpcConfig)).toEqual([]);
  }, 300_000);
});
