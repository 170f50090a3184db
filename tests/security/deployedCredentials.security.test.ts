// What a deployed stage hands each function, read from the packaged template as AWS would deploy it,
// with its roles evaluated as IAM does (tests/cloud/support): the public /health holds no broker
// credential, each projection's mappings sign in as that projection's own broker user, and a
// package never carries the packaging shell's local settings.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { projectionNames } from '../../functions/projectors/catalog.ts';
import { roleAllows } from '../cloud/support/awsEndpoint.ts';
import { readCloudService, type CloudService } from '../cloud/support/cloudTemplate.ts';
import { packageService } from '../support/packageService.ts';

const STAGE = 'security';
let service: CloudService;

beforeAll(async () => {
  const directory = await mkdtemp(`${tmpdir()}/package-security-`);
  await packageService(directory, { stage: STAGE });
  service = await readCloudService(directory, `cqrs-commerce-${STAGE}`);
}, 300_000);

const fn = (name: string) => service.functions[`cqrs-commerce-${STAGE}-${name}`]!;

/** Every broker credential of the stage: the administrator's (a stage parameter) and the jobs' users'. */
const brokerSecrets = () => [
  'arn:aws:secretsmanager:us-east-1:000000000000:secret:local-broker',
  ...service.secrets.map((secret) => secret.arn),
];

const mayRead = (name: string, secret: string) =>
  roleAllows(fn(name), 'secretsmanager:GetSecretValue', secret);

describe('the public /health', () => {
  it('holds no broker credential: none in its environment, none its role may read', async () => {
    expect(Object.keys(fn('health').environment)).not.toContain('BROKER_SECRET_ARN');
    const readable = [];
    for (const secret of brokerSecrets()) if (await mayRead('health', secret)) readable.push(secret);
    expect(readable).toEqual([]);
  });
});

describe('each projection’s event source mappings', () => {
  it('sign in as that projection’s own broker user, whose secret no other function but prepareBackend may read', async () => {
    const userSecrets = new Set<string>();
    for (const projection of projectionNames) {
      const mappings = service.mappings.filter(
        (mapping) => mapping.functionName === fn(`${projection}Projector`).name,
      );
      expect(mappings.length).toBeGreaterThan(0);
      const secrets = new Set(mappings.map((mapping) => mapping.basicAuthSecretArn));
      expect(secrets.size, projection).toBe(1);
      const [secret] = secrets;
      userSecrets.add(secret!);
      const generated = service.secrets.find((each) => each.arn === secret)!;
      expect(JSON.parse(generated.generate.SecretStringTemplate), projection).toEqual({
        username: `cqrs-commerce-${STAGE}.${projection}`,
      });
      const readers = [];
      for (const each of Object.values(service.functions))
        if (await roleAllows(each, 'secretsmanager:GetSecretValue', secret!)) readers.push(each.name);
      expect(readers.sort(), projection).toEqual(
        [fn(`${projection}Projector`).name, fn('prepareBackend').name].sort(),
      );
    }
    // three projections, three users: none shares another's (nor the relay's)
    expect(userSecrets.size).toBe(projectionNames.length);
    expect(userSecrets).not.toContain(fn('relayEvents').environment.BROKER_SECRET_ARN);
  });
});

describe('packaging for a deployed stage', () => {
  it('refuses a shell that sets the local DATABASE_URL, RABBITMQ_URL or AUTH_KEYS_FROM', async () => {
    const directory = await mkdtemp(`${tmpdir()}/package-security-local-`);
    const failure = await packageService(directory, {
      stage: STAGE,
      env: {
        DATABASE_URL: 'postgres://postgres:local-secret@127.0.0.1:5432/cqrs_commerce',
        RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
        AUTH_KEYS_FROM: 'issuer',
      },
    }).then(
      () => 'packaged',
      (error: { stdout?: string; stderr?: string; message: string }) =>
        `${error.message}\n${error.stdout ?? ''}\n${error.stderr ?? ''}`,
    );
    expect(failure).not.toBe('packaged');
    expect(failure).toMatch(/This shell sets DATABASE_URL, RABBITMQ_URL, AUTH_KEYS_FROM: local settings/);
  }, 240_000);
});
