// The optional foundation stack: its outputs are exactly the stage parameters serverless.yml reads,
// and nothing in it is reachable from outside the VPC.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkTemplate, refusedYamlFeatures } from './cloudFormationSpec.ts';

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('infra/aws/foundation.yml', () => {
  it('is plain CloudFormation: no YAML anchors, aliases or merge keys, and valid by the resource specification', async () => {
    const text = await read('infra/aws/foundation.yml');
    expect(refusedYamlFeatures(text)).toEqual([]);
    expect(await checkTemplate(parse(text) as Parameters<typeof checkTemplate>[0])).toEqual([]);
  });

  it('outputs every stage parameter serverless.yml reads but the choices of a deployment, and nothing else', async () => {
    const template = parse(await read('infra/aws/foundation.yml')) as {
      Outputs: Record<string, unknown>;
    };
    const serverlessParams = new Set(
      [...(await read('serverless.yml')).matchAll(/\bparam:(\w+)/g)].map((match) => match[1]),
    );
    // which browser origins may call the API, how patient the relay is with a gap, and whom the
    // alarms tell at which thresholds are the deployment's choices, not the foundation's
    serverlessParams.delete('corsAllowedOrigins');
    serverlessParams.delete('healGapsAfterMs');
    for (const name of serverlessParams) if (name?.startsWith('alarm')) serverlessParams.delete(name);
    expect(Object.keys(template.Outputs).sort()).toEqual([...serverlessParams].sort());
  });

  it('keeps the database and the broker private, open only to the functions', async () => {
    const template = parse(await read('infra/aws/foundation.yml')) as {
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
});
