// The attacker floods one route to starve the rest. Before, the HTTP API's stage had no throttling,
// and only the commands, /health, the relay and prepareBackend had a reserved concurrency: a flood of
// any query (or of /docs) could take the account's whole unreserved concurrency, and with it the
// projectors' and every other route's. Now the stage throttles each route (rate and burst as stage
// parameters), every function a route reaches has a reserved concurrency of its own, each projector
// one per partition, and the public health check runs outside the VPC with no secret. Checked on
// the template `osls package` writes, packaged once with the defaults, in a VPC as the foundation's.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { concurrencyQuotaNeeded } from '../../infra/deploy/connectionBudget.ts';
import { packageService } from '../support/packageService.ts';

type Resource = { Type: string; Properties: Record<string, unknown> };
let resources: Record<string, Resource>;
let defaults: Record<string, number>;

const ofType = (type: string) => Object.entries(resources).filter(([, resource]) => resource.Type === type);

/** The function a `{ 'Fn::GetAtt': [id, 'Arn'] }` names. */
const functionOf = (target: unknown) => (target as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

beforeAll(async () => {
  resources = (
    await packageService(await mkdtemp(`${tmpdir()}/package-limits-`), {
      stage: 'security',
      params: { network: 'vpc', securityGroupIds: 'sg-1', subnetIds: 'subnet-a,subnet-b' },
    })
  ).Resources as Record<string, Resource>;
  const serverless = await readFile(new URL('../../serverless.yml', import.meta.url), 'utf8');
  defaults = Object.fromEntries(
    [...serverless.matchAll(/(\w+): \$\{param:(\w+), '(\d+)'\}/g)].map(([, , name, value]) => [
      name!,
      Number(value),
    ]),
  );
}, 300_000);

describe('the packaged template', () => {
  it('throttles every route of the HTTP API’s stage, at the stage parameters’ defaults', () => {
    const [[, stage]] = ofType('AWS::ApiGatewayV2::Stage') as [[string, Resource]];
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({
      ThrottlingRateLimit: defaults.apiRateLimit,
      ThrottlingBurstLimit: defaults.apiBurstLimit,
    });
    expect([defaults.apiRateLimit, defaults.apiBurstLimit]).toEqual([100, 200]);
  });

  it('gives every function a route reaches, and every projector, a reserved concurrency of its own', () => {
    const functions = Object.fromEntries(ofType('AWS::Lambda::Function'));
    const reserved = (id: string) =>
      functions[id]!.Properties.ReservedConcurrentExecutions as number | undefined;
    const reachedByRoutes = new Set(
      ofType('AWS::ApiGatewayV2::Integration').map(([, integration]) =>
        functionOf(integration.Properties.IntegrationUri),
      ),
    );
    const unreserved = [...reachedByRoutes].filter((id) => !(reserved(id)! > 0));
    expect(unreserved).toEqual([]);
    // every query, command, health check, the API's description and the fallback
    expect(reachedByRoutes.size).toBe(30);
    // a projector runs one invocation per mapping (a partition) at once: that many, reserved
    const mappings = new Map<string, number>();
    for (const [, mapping] of ofType('AWS::Lambda::EventSourceMapping')) {
      const id = functionOf(mapping.Properties.FunctionName);
      mappings.set(id, (mappings.get(id) ?? 0) + 1);
    }
    expect(mappings.size).toBe(3);
    expect([...mappings].map(([id]) => reserved(id))).toEqual([...mappings.values()]);
  });

  it('leaves the account its 100 unreserved at docs/deploying.md’s figure: 192 reserved, a quota of 292', () => {
    const reservations = ofType('AWS::Lambda::Function')
      .map(([, fn]) => fn.Properties.ReservedConcurrentExecutions as number | undefined)
      .filter((each): each is number => each !== undefined);
    const total = reservations.reduce((sum, each) => sum + each, 0);
    expect(total).toBe(192);
    expect(concurrencyQuotaNeeded(reservations)).toBe(292);
    // only the issuer's keys run unreserved: every protected route's function asks it
    const unreserved = ofType('AWS::Lambda::Function')
      .filter(([, fn]) => fn.Properties.ReservedConcurrentExecutions === undefined)
      .map(([id]) => id);
    expect(unreserved).toEqual(['IssuerKeysLambdaFunction']);
  });

  it('keeps public /health out of the VPC with no secret, and the deep check with the database’s only', () => {
    const statementsOf = (role: string) =>
      (
        resources[role]!.Properties.Policies as {
          PolicyDocument: { Statement: { Action: string[]; Resource: unknown }[] };
        }[]
      ).flatMap((policy) => policy.PolicyDocument.Statement);
    const secretsOf = (role: string) =>
      statementsOf(role)
        .filter((statement) => statement.Action.includes('secretsmanager:GetSecretValue'))
        .map((statement) => JSON.stringify(statement.Resource));
    expect(resources.HealthLambdaFunction!.Properties).not.toHaveProperty('VpcConfig');
    expect(resources.HealthDependenciesLambdaFunction!.Properties).toHaveProperty('VpcConfig');
    expect(secretsOf('HealthIamRoleLambdaExecution')).toEqual([]);
    const deep = secretsOf('HealthDependenciesIamRoleLambdaExecution');
    expect(deep).toHaveLength(1);
    expect(deep[0]).toContain('local-database');
  });
});
