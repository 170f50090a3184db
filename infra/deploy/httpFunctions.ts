// serverless.yml's HTTP functions, one per route of the API (functions/apiDocs/apiRoutes.ts), as the
// projector functions are one per projection of the catalog: the Lambda its contract names, its
// `httpApi` event, and a role granting what the contract says it reads and writes, and nothing else.
// A function that connects to PostgreSQL runs in the stage's VPC (through RDS Proxy); its reserved
// concurrency is its kind's (serverless.yml's custom.connectionParameters).
import { apiRoutes } from '../../functions/apiDocs/apiRoutes.ts';
import type { ProjectionName } from '../../functions/projectors/catalog.ts';
import { routeKey, type RouteContract, type RouteRead } from '../../functions/shared/http/routeContract.ts';
import { checkpointItemsOnly, projectionTableResources } from './projectorFunctions.ts';

/** What the functions refer to, resolved from serverless.yml's custom section. */
export interface HttpTemplateContext {
  /** `arn:…:table/<prefix>` as a Fn::Sub string: a table's ARN is this plus `-<name>` */
  tableArn: string;
  /** the relayEvents and issuerKeys functions' ARNs, as Fn::Sub strings */
  relayArn: string;
  issuerKeysArn: string;
  /** the secrets of the database roles the routes connect as */
  databaseSecretArns: { commands: string; health: string };
  /** custom.vpc: the stage's network, or null outside any */
  vpc: unknown;
  /** the reserved concurrency of each kind of function (custom.connections) */
  concurrency: { command: number; query: number; health: number; public: number };
}

/**
 * How each projection's queries read its table: the directory's lists read a page's keys from an
 * index (Query) and then its items (BatchGetItem); the invoices are listed by month (Query, Scan);
 * the analytics are read by key only.
 */
const PROJECTION_READS: Record<ProjectionName, readonly string[]> = {
  directory: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'],
  invoices: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan'],
  analytics: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
};

/** The function's name in serverless.yml: the operationId unless the contract names another. */
export const functionNameOf = (route: RouteContract) => route.functionName ?? route.operationId;

/** serverless.yml's `handler` for the contract's module. */
export const handlerOf = (route: RouteContract) => route.handler.replace(/\.ts$/, '.handler');

/** A route's function without its role: its handler and its event. */
const routeFunction = (route: RouteContract) => ({
  handler: handlerOf(route),
  events: [{ httpApi: { method: route.method, path: route.path } }],
});

/** Each route's function by name, as serverless.yml gets it, less its role and settings. */
export const routeFunctions = () =>
  Object.fromEntries(apiRoutes.map((route) => [functionNameOf(route), routeFunction(route)]));

/** The IAM statements of one route's function, from what its contract reads and writes. */
export function routeStatements(route: RouteContract, context: HttpTemplateContext): object[] {
  const table = (suffix: string) => [{ 'Fn::Sub': `${context.tableArn}-${suffix}` }];
  const readStatement = (read: RouteRead): object[] => {
    switch (read) {
      case 'checkpoints':
        return [
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem'],
            Resource: projectionTableResources(context.tableArn),
            Condition: checkpointItemsOnly(),
          },
        ];
      case 'streamHead':
        return [{ Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: table('event-stream') }];
      case 'callersUser':
        // the caller's user from the directory's byOwner index (functions/directory/query/callerScope.ts),
        // and with X-Min-Position the directory's checkpoint: no other item (it holds personal data)
        return [
          { Effect: 'Allow', Action: ['dynamodb:Query'], Resource: table('directory*/index/byOwner') },
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem'],
            Resource: table('directory*'),
            Condition: checkpointItemsOnly(),
          },
        ];
      case 'databaseConnection':
        return [databaseSecret(context.databaseSecretArns.health)];
      default:
        // a projection: `*` for the tables a rebuild creates (`<table>-<id>`) and their indexes
        return [{ Effect: 'Allow', Action: [...PROJECTION_READS[read]], Resource: table(`${read}*`) }];
    }
  };
  const writesDatabase = route.writes?.includes('database') ?? false;
  // a command wakes the relay (which runs no payload it is sent); a protected route's function asks
  // issuerKeys for the issuer's signing keys; no route may invoke the operator's republishEvents
  const invokes = [
    ...(writesDatabase ? [context.relayArn] : []),
    ...(route.access === 'public' ? [] : [context.issuerKeysArn]),
  ];
  return [
    ...route.reads.flatMap(readStatement),
    ...(writesDatabase ? [databaseSecret(context.databaseSecretArns.commands)] : []),
    ...(invokes.length === 0
      ? []
      : [
          {
            Effect: 'Allow',
            Action: ['lambda:InvokeFunction'],
            Resource: invokes.map((arn) => ({ 'Fn::Sub': arn })),
          },
        ]),
  ];
}

/** Each function reads only the secret of its own job's database role, when it first connects. */
const databaseSecret = (arn: string) => ({
  Effect: 'Allow',
  Action: ['secretsmanager:GetSecretValue'],
  Resource: [arn],
});

/** serverless.yml's HTTP functions (`${file(./infra/deploy/httpTemplate.cjs):functions}`). */
export function httpFunctions(context: HttpTemplateContext) {
  return Object.fromEntries(
    apiRoutes.map((route) => {
      const connectsAsHealth = route.reads.includes('databaseConnection');
      const connects = route.kind === 'command' || connectsAsHealth;
      const concurrency =
        route.kind === 'command'
          ? context.concurrency.command
          : route.kind === 'query'
            ? context.concurrency.query
            : connectsAsHealth
              ? context.concurrency.health
              : context.concurrency.public;
      return [
        functionNameOf(route),
        {
          ...routeFunction(route),
          ...(connects ? { vpc: context.vpc } : {}),
          // the provider's DATABASE_SECRET_ARN is the commands' role
          ...(connectsAsHealth
            ? { environment: { DATABASE_SECRET_ARN: context.databaseSecretArns.health } }
            : {}),
          iamRoleStatements: routeStatements(route, context),
          reservedConcurrency: concurrency,
          ...(route.packageFiles ? { package: { patterns: [...route.packageFiles] } } : {}),
        },
      ];
    }),
  );
}

/** The API's routes as `METHOD /path`: the fallback's ROUTES, so that another method is a 405. */
export const routeKeys = () => apiRoutes.map(routeKey);
