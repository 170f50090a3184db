// IAM, played by an attacker who holds a function's credentials (a flaw in its code, a leaked
// session): what its role lets it do beyond its job, as AWS would decide it, on the template `osls
// package` writes for a cloud stage (read as the cloud tier reads it), by an IAM policy evaluator
// (@cloud-copilot/iam-simulate). Packaged once for the file.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleAllows } from '../cloud/support/awsEndpoint.ts';
import {
  ACCOUNT,
  PARTITION,
  readCloudService,
  REGION,
  type CloudService,
} from '../cloud/support/cloudTemplate.ts';
import { packageService } from '../support/packageService.ts';

const STAGE = 'security';
let directory: string;
let service: CloudService;

beforeAll(async () => {
  directory = await mkdtemp(`${tmpdir()}/security-iam-`);
  await packageService(`${directory}/package`, {
    stage: STAGE,
    params: {
      jwtIssuerUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Security1',
      jwtAudience: 'web-app-client',
    },
  });
  service = await readCloudService(`${directory}/package`, `cqrs-commerce-${STAGE}`);
}, 300_000);

afterAll(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

const fn = (name: string) => service.functions[`cqrs-commerce-${STAGE}-${name}`];
const table = (projection: string) =>
  `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/cqrs-commerce-${STAGE}-${projection}`;
const naming = (...partitionKeys: string[]) => ({ 'dynamodb:LeadingKeys': partitionKeys });

describe('a role that reads only how far the projectors have got', () => {
  it('the public sync-status role cannot read a user of the directory (personal data), only checkpoints', async () => {
    const syncStatus = fn('getSyncStatus')!;
    // a directory user: name and email
    const user = await roleAllows(syncStatus, 'dynamodb:GetItem', table('directory'), naming('USER#1'));
    expect(user, 'sync-status reads GetItem USER#1 of the directory').toBe(false);
    for (const projection of ['invoices', 'analytics']) {
      expect(
        await roleAllows(syncStatus, 'dynamodb:GetItem', table(projection), naming('INVOICE#1-2026-12')),
        projection,
      ).toBe(false);
    }
    // no request without a key gets past the condition either
    expect(await roleAllows(syncStatus, 'dynamodb:GetItem', table('directory'))).toBe(false);
    expect(await roleAllows(syncStatus, 'dynamodb:Scan', table('directory'))).toBe(false);
    // what it is for: every partition's checkpoint, in the live table or a rebuilt one
    for (const key of ['CHECKPOINT', 'CHECKPOINT#3']) {
      expect(await roleAllows(syncStatus, 'dynamodb:GetItem', table('directory'), naming(key)), key).toBe(
        true,
      );
      expect(await roleAllows(syncStatus, 'dynamodb:GetItem', `${table('directory')}-2`, naming(key))).toBe(
        true,
      );
    }
  });

  it('nor can health, the relay, the operator’s function, or a query waiting on the directory', async () => {
    const readers = ['health', 'relayEvents', 'republishEvents', 'getInvoice', 'getCustomerLifetimeValue'];
    for (const name of readers) {
      const reader = fn(name);
      expect(reader, name).toBeDefined();
      expect(
        await roleAllows(reader!, 'dynamodb:GetItem', table('directory'), naming('USER#1')),
        `${name} reads GetItem USER#1 of the directory`,
      ).toBe(false);
      expect(await roleAllows(reader!, 'dynamodb:GetItem', table('directory'), naming('CHECKPOINT'))).toBe(
        true,
      );
    }
  });
});

describe('the operator’s payloads (redrive, heal)', () => {
  it('run in a function of their own that no command’s role may invoke; a command may invoke the relay and issuerKeys alone', async () => {
    const operator = fn('republishEvents');
    expect(operator, 'a function of their own for the operator’s payloads').toBeDefined();
    const commands = [
      ...new Set(
        service.routes
          .filter((route) => route.method !== 'GET' && route.path !== '$default')
          .map((route) => route.functionName),
      ),
    ];
    expect(commands.length).toBeGreaterThanOrEqual(11);
    const functions = Object.values(service.functions);
    for (const name of commands) {
      const command = service.functions[name]!;
      const invokable: string[] = [];
      for (const target of functions) {
        if (await roleAllows(command, 'lambda:InvokeFunction', target.arn)) invokable.push(target.name);
      }
      expect(invokable.sort(), name).toEqual(
        [`cqrs-commerce-${STAGE}-issuerKeys`, `cqrs-commerce-${STAGE}-relayEvents`].sort(),
      );
      expect(await roleAllows(command, 'lambda:InvokeFunction', operator!.arn), name).toBe(false);
    }
  });
});
