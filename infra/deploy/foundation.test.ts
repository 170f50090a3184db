// The optional foundation stack: its outputs are exactly the stage parameters serverless.yml reads,
// and nothing in it is reachable from outside the VPC.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/apiDocs/apiRoutes.ts';
import { checkTemplate, refusedYamlFeatures } from './cloudFormationSpec.ts';
import { databaseJobs, localRoleName } from '../../functions/shared/databaseRoles.ts';
import { connectionBudget, maxConnectionsAtMost, smallestMaxConnections } from './connectionBudget.ts';

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
const foundation = async () =>
  parse(await read('infra/deploy/foundation.yml')) as {
    Resources: Resources;
    Outputs: Record<string, unknown>;
  };
const ref = (id: string) => ({ Ref: id });

describe('infra/deploy/foundation.yml', () => {
  it('is plain CloudFormation: no YAML anchors, aliases or merge keys, and valid by the resource specification', async () => {
    const text = await read('infra/deploy/foundation.yml');
    expect(refusedYamlFeatures(text)).toEqual([]);
    expect(await checkTemplate(parse(text) as Parameters<typeof checkTemplate>[0])).toEqual([]);
  });

  it('outputs every stage parameter serverless.yml reads but the choices of a deployment, and nothing else', async () => {
    const template = parse(await read('infra/deploy/foundation.yml')) as {
      Outputs: Record<string, unknown>;
    };
    const serverlessParams = new Set(
      [...(await read('serverless.yml')).matchAll(/\bparam:(\w+)/g)].map((match) => match[1]),
    );
    // which browser origins may call the API, how patient the relay is with a gap, and whom the
    // alarms tell at which thresholds are the deployment's choices, not the foundation's
    serverlessParams.delete('corsAllowedOrigins');
    serverlessParams.delete('healGapsAfterMs');
    // and how many containers, connections and requests it allows itself (sized for the default
    // instance class and the account's default concurrency)
    for (const name of [
      'pgPoolMax',
      'commandConcurrency',
      'healthConcurrency',
      'queryConcurrency',
      'publicConcurrency',
      'apiRateLimit',
      'apiBurstLimit',
    ])
      serverlessParams.delete(name);
    for (const name of serverlessParams) if (name?.startsWith('alarm')) serverlessParams.delete(name);
    expect(Object.keys(template.Outputs).sort()).toEqual([...serverlessParams].sort());
  });

  it('keeps the database and the broker private, open only to the functions', async () => {
    const template = parse(await read('infra/deploy/foundation.yml')) as {
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
    };
    const { Database, Broker } = template.Resources;
    expect(Database!.Properties).toMatchObject({
      PubliclyAccessible: false,
      StorageEncrypted: true,
      ManageMasterUserPassword: true,
    });
    expect(Broker!.Properties).toMatchObject({ PubliclyAccessible: false, EngineType: 'RABBITMQ' });
    const rules = Object.values(template.Resources).flatMap((resource) =>
      resource.Type === 'AWS::EC2::SecurityGroup'
        ? ((resource.Properties.SecurityGroupIngress ?? []) as Record<string, unknown>[])
        : resource.Type === 'AWS::EC2::SecurityGroupIngress'
          ? [resource.Properties]
          : [],
    );
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(rule).not.toHaveProperty('CidrIp');
      expect(rule).toHaveProperty('SourceSecurityGroupId');
    }
  });

  it('puts RDS Proxy between the functions and PostgreSQL: TLS required, the roles of the commands and /health through a role that reads their secrets alone', async () => {
    const { Resources, Outputs } = await foundation();
    const secrets = [ref('DatabaseCommandsSecret'), ref('DatabaseHealthSecret')];
    expect(Resources.DatabaseProxy).toMatchObject({
      Type: 'AWS::RDS::DBProxy',
      Properties: {
        EngineFamily: 'POSTGRESQL',
        RequireTLS: true,
        RoleArn: { 'Fn::GetAtt': ['DatabaseProxyRole', 'Arn'] },
        // the master user does not go through the proxy: only prepareBackend signs in as it, directly
        Auth: secrets.map((secret) => ({
          AuthScheme: 'SECRETS',
          SecretArn: secret,
          IAMAuth: 'DISABLED',
          ClientPasswordAuthType: 'POSTGRES_SCRAM_SHA_256',
        })),
        VpcSecurityGroupIds: [ref('DatabaseProxySecurityGroup')],
      },
    });
    const role = Resources.DatabaseProxyRole!.Properties as {
      AssumeRolePolicyDocument: { Statement: { Principal: unknown; Action: string }[] };
      Policies: { PolicyDocument: { Statement: unknown[] } }[];
    };
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'rds.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(role.Policies.flatMap((policy) => policy.PolicyDocument.Statement)).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secrets },
    ]);
    expect(Resources.DatabaseProxyTargets).toMatchObject({
      Type: 'AWS::RDS::DBProxyTargetGroup',
      Properties: {
        DBProxyName: ref('DatabaseProxy'),
        TargetGroupName: 'default',
        DBInstanceIdentifiers: [ref('Database')],
      },
    });
    // the commands get the proxy's endpoint, the relay and prepareBackend the instance's
    expect(Outputs.databaseHost).toEqual({ Value: { 'Fn::GetAtt': ['DatabaseProxy', 'Endpoint'] } });
    expect(Outputs.databaseDirectHost).toEqual({ Value: { 'Fn::GetAtt': ['Database', 'Endpoint.Address'] } });
  });

  it('lets the functions reach the proxy, and only the proxy and the direct clients reach the database', async () => {
    const { Resources, Outputs } = await foundation();
    const sources = (group: string, port: number) =>
      [
        ...((Resources[group]!.Properties.SecurityGroupIngress ?? []) as Record<string, unknown>[]),
        ...Object.values(Resources)
          .filter((resource) => resource.Type === 'AWS::EC2::SecurityGroupIngress')
          .map((resource) => resource.Properties)
          .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify(ref(group))),
      ]
        .filter((rule) => rule.FromPort === port)
        .map((rule) => rule.SourceSecurityGroupId);
    expect(sources('DatabaseProxySecurityGroup', 5432)).toEqual([ref('FunctionSecurityGroup')]);
    expect(sources('DatabaseSecurityGroup', 5432)).toEqual([
      ref('DatabaseProxySecurityGroup'),
      ref('DirectDatabaseClientSecurityGroup'),
    ]);
    // the proxy reads its secret through the VPC's Secrets Manager endpoint (there is no NAT)
    expect(sources('EndpointSecurityGroup', 443)).toContainEqual(ref('DatabaseProxySecurityGroup'));
    // the direct clients carry both groups: the broker and the endpoints admit the functions' group
    expect(Outputs.directSecurityGroupIds).toEqual({
      Value: { 'Fn::Join': [',', [ref('FunctionSecurityGroup'), ref('DirectDatabaseClientSecurityGroup')]] },
    });
  });

  it('makes a secret per job’s PostgreSQL role, named as prepareBackend names the local ones after the database', async () => {
    const { Resources, Outputs } = await foundation();
    const database = Resources.Database!.Properties.DBName as string;
    for (const job of databaseJobs) {
      const id = `Database${job[0]!.toUpperCase()}${job.slice(1)}Secret`;
      const generate = Resources[id]!.Properties.GenerateSecretString as { SecretStringTemplate: string };
      expect(JSON.parse(generate.SecretStringTemplate)).toEqual({ username: localRoleName(database, job) });
      expect(Outputs[`database${job[0]!.toUpperCase()}${job.slice(1)}SecretArn`]).toEqual({ Value: ref(id) });
    }
    // the broker's management API, for prepareBackend (which carries the direct group), not the commands
    const management = Object.values(Resources).filter(
      (resource) =>
        resource.Type === 'AWS::EC2::SecurityGroupIngress' && resource.Properties.FromPort === 443,
    );
    expect(
      management.map((rule) => [rule.Properties.GroupId, rule.Properties.SourceSecurityGroupId]),
    ).toEqual([[ref('BrokerSecurityGroup'), ref('DirectDatabaseClientSecurityGroup')]]);
  });

  it('sizes the proxy’s pool so that the stage parameters’ defaults fit the default instance class', async () => {
    const { Resources } = await foundation();
    const pool = Resources.DatabaseProxyTargets!.Properties.ConnectionPoolConfigurationInfo as Record<
      string,
      number
    >;
    expect(pool.MaxIdleConnectionsPercent).toBeLessThanOrEqual(pool.MaxConnectionsPercent!);
    // a command waits for a connection less than its own timeout (serverless.yml's 10 s)
    expect(pool.ConnectionBorrowTimeout).toBeLessThan(10);
    const serverless = await read('serverless.yml');
    const defaultOf = (param: string) => Number(new RegExp(`param:${param}, '(\\d+)'`).exec(serverless)![1]);
    const poolMax = defaultOf('pgPoolMax');
    const plan = {
      proxyMaxConnectionsPercent: pool.MaxConnectionsPercent!,
      throughProxy: [
        {
          name: 'commands',
          // every command route's function has the commands' reserved concurrency (httpFunctions.ts)
          containers:
            defaultOf('commandConcurrency') * apiRoutes.filter((route) => route.kind === 'command').length,
          poolMax,
        },
        { name: 'healthDependencies', containers: defaultOf('healthConcurrency'), poolMax },
      ],
      direct: [
        { name: 'relay', containers: 1, poolMax },
        { name: 'prepareBackend', containers: 1, poolMax },
        { name: 'republishEvents', containers: 1, poolMax },
      ],
    };
    expect(
      (
        parse(await read('infra/deploy/foundation.yml')) as {
          Parameters: Record<string, { Default: string }>;
        }
      ).Parameters.DatabaseInstanceClass!.Default,
    ).toBe('db.t4g.micro');
    // db.t4g.micro has 1 GiB: at most 112 connections by RDS's formula, fewer in fact; the defaults fit
    // from 62 up, the figure docs/deploying.md names
    expect(connectionBudget(plan, maxConnectionsAtMost(1)).fits).toBe(true);
    expect(smallestMaxConnections(plan)).toBe(62);
    expect(connectionBudget(plan, 62)).toEqual({
      proxyLimit: 46,
      throughProxy: 46,
      direct: 6,
      besideProxy: 16,
      fits: true,
    });
  });
});
