// The routes' functions as serverless.yml gets them: one per route of the one list, each on the
// module its contract names, with the grants its contract's reads and writes give and no other.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/apiDocs/apiRoutes.ts';
import { projectionNames } from '../../functions/projectors/catalog.ts';
import type { RouteContract } from '../../functions/shared/http/routeContract.ts';
import { httpFunctions, routeStatements, type HttpTemplateContext } from './httpFunctions.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const context: HttpTemplateContext = {
  tableArn: 'arn:table/prefix',
  relayArn: 'arn:function:relayEvents',
  issuerKeysArn: 'arn:function:issuerKeys',
  databaseSecretArns: { commands: 'arn:secret:commands', health: 'arn:secret:health' },
  vpc: { subnetIds: ['subnet-a'] },
  concurrency: { command: 4, query: 10, health: 2, public: 3 },
};
const byOperation = (operationId: string) => apiRoutes.find((route) => route.operationId === operationId)!;
const actionsOf = (route: RouteContract) =>
  routeStatements(route, context).flatMap((statement) => (statement as { Action: string[] }).Action);

describe('the routes’ functions', () => {
  it('lists every route the contexts declare, once, each on a module that exists', async () => {
    const declared: RouteContract[] = [];
    for (const folder of await readdir(`${projectRoot}functions`)) {
      const file = `${projectRoot}functions/${folder}/api.ts`;
      if (!existsSync(file)) continue;
      const module = (await import(file)) as Record<string, unknown>;
      declared.push(
        ...Object.values(module).filter(
          (value): value is RouteContract =>
            typeof value === 'object' && value !== null && 'operationId' in value,
        ),
      );
    }
    expect(new Set(declared)).toEqual(new Set(apiRoutes));
    const functions = httpFunctions(context);
    expect(Object.keys(functions)).toHaveLength(apiRoutes.length);
    for (const route of apiRoutes)
      expect(existsSync(`${projectRoot}${route.handler}`), route.handler).toBe(true);
  });

  it('puts the functions that connect to PostgreSQL in the VPC, at their kind’s reserved concurrency', () => {
    const functions = httpFunctions(context) as Record<
      string,
      { vpc?: unknown; reservedConcurrency: number }
    >;
    expect(functions.createTodo).toMatchObject({ vpc: context.vpc, reservedConcurrency: 4 });
    expect(functions.healthDependencies).toMatchObject({
      vpc: context.vpc,
      reservedConcurrency: 2,
      environment: { DATABASE_SECRET_ARN: 'arn:secret:health' },
    });
    expect(functions.listTodos).toMatchObject({ reservedConcurrency: 10 });
    expect(functions.listTodos).not.toHaveProperty('vpc');
    expect(functions.health).toMatchObject({ reservedConcurrency: 3 });
  });

  it('grants commands PostgreSQL and no DynamoDB, queries their reads and no writes', () => {
    for (const route of apiRoutes) {
      const actions = actionsOf(route);
      if (route.kind === 'command') {
        expect(
          actions.filter((action) => action.startsWith('dynamodb:')),
          route.operationId,
        ).toEqual([]);
        expect(actions, route.operationId).toContain('secretsmanager:GetSecretValue');
      } else {
        expect(actions.filter((action) => /^dynamodb:(Put|Update|Delete|BatchWrite)/.test(action))).toEqual(
          [],
        );
      }
      // the issuer's keys for a protected route alone
      expect(actions.includes('lambda:InvokeFunction'), route.operationId).toBe(route.access !== 'public');
    }
    // every projection a route reads, through the catalog's names
    const read = new Set(apiRoutes.flatMap((route) => route.reads));
    for (const name of projectionNames) expect(read).toContain(name);
    expect(JSON.stringify(routeStatements(byOperation('getInvoices'), context))).toContain('-invoices*');
  });
});
