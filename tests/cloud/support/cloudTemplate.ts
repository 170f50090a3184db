// The packaged CloudFormation template, read as AWS would deploy it: intrinsic functions resolved to
// this tier's local values (region, account, physical names), and the parts the tier runs pulled out:
// functions with their environment and role, HTTP routes, Amazon MQ mappings, schedules, tables,
// queues and the secrets it makes.
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type {
  CloudFormationResource,
  CloudFormationTemplate,
} from '../../../infra/deploy/cloudFormationSpec.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
export const PARTITION = 'aws';

type Json = unknown;
type Resource = CloudFormationResource;
type Template = CloudFormationTemplate;

/** What CloudFormation removes a property for. */
const NO_VALUE = Symbol('AWS::NoValue');

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, unknown>;
}

export interface CloudFunction {
  logicalId: string;
  name: string;
  arn: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  /** X-Ray tracing: `Active` when Lambda traces the function */
  tracing: string;
  /** the most containers Lambda runs at once (reserved concurrency); none: the account's limit */
  reservedConcurrency?: number;
  /** the security groups of its network interfaces in the VPC (none outside it) */
  securityGroupIds: string[];
  role: { name: string; arn: string; statements: PolicyStatement[] };
  /** the zip osls wrote for it, by file name */
  zip: string;
}

export interface CloudRoute {
  method: string;
  /** e.g. `/users/{id}`, or `$default` for the route that takes what no other does */
  path: string;
  functionName: string;
}

export interface CloudMapping {
  functionName: string;
  brokerArn: string;
  queue: string;
  virtualHost: string;
  basicAuthSecretArn: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
}

export interface CloudSchedule {
  functionName: string;
  expression: string;
}

/** A secret the template makes: CloudFormation generates its value (GenerateSecretString). */
export interface CloudSecret {
  arn: string;
  generate: { SecretStringTemplate: string; GenerateStringKey: string; PasswordLength?: number };
}

export interface CloudService {
  template: Template;
  functions: Record<string, CloudFunction>;
  routes: CloudRoute[];
  mappings: CloudMapping[];
  schedules: CloudSchedule[];
  /** AWS::DynamoDB::Table properties, resolved */
  tables: Record<string, Json>[];
  queues: Record<string, Json>[];
  secrets: CloudSecret[];
}

/** The names CloudFormation would give: its own for resources without one, as `<stack>-<id>-<suffix>`. */
function physicalName(stack: string, logicalId: string, resource: Resource): string {
  const p = resource.Properties ?? {};
  const given = { FunctionName: 1, TableName: 1, QueueName: 1, RoleName: 1, Name: 1 };
  for (const key of Object.keys(given)) if (typeof p[key] === 'string') return p[key] as string;
  return `${stack}-${logicalId}-GENERATED`.slice(0, 64);
}

function resolver(template: Template, stack: string) {
  const pseudo: Record<string, string> = {
    'AWS::Region': REGION,
    'AWS::AccountId': ACCOUNT,
    'AWS::Partition': PARTITION,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::StackName': stack,
  };
  const name = (id: string) => {
    const resource = template.Resources[id];
    if (!resource) throw new Error(`the template refers to ${id}, which it does not define`);
    return physicalName(stack, id, resource);
  };
  const ref = (id: string): string | typeof NO_VALUE => {
    if (id === 'AWS::NoValue') return NO_VALUE;
    if (pseudo[id] !== undefined) return pseudo[id]!;
    const resource = template.Resources[id];
    if (resource?.Type === 'AWS::SQS::Queue')
      return `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name(id)}`;
    // a secret's Ref is its ARN: its name and six characters Secrets Manager adds
    if (resource?.Type === 'AWS::SecretsManager::Secret')
      return `arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:${name(id)}-Xy12Zw`;
    return name(id);
  };
  const getAtt = (id: string, attribute: string): string => {
    const resource = template.Resources[id];
    if (!resource) throw new Error(`Fn::GetAtt names ${id}, which the template does not define`);
    const n = name(id);
    const arns: Record<string, string> = {
      'AWS::Lambda::Function': `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${n}`,
      'AWS::IAM::Role': `arn:${PARTITION}:iam::${ACCOUNT}:role/${n}`,
      'AWS::DynamoDB::Table': `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${n}`,
      'AWS::SQS::Queue': `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${n}`,
    };
    if (attribute === 'Arn' && arns[resource.Type]) return arns[resource.Type]!;
    return `${id}.${attribute}`;
  };
  const sub = (text: string, variables: Record<string, Json> = {}): string =>
    text.replace(/\$\{([^}!]+)\}/g, (_, expression: string) => {
      if (expression in variables) return String(resolve(variables[expression]));
      const [id, attribute] = expression.split('.');
      return attribute ? getAtt(id!, attribute) : String(ref(id!));
    });

  function resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map(resolve).filter((item) => item !== NO_VALUE);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value);
    if (entries.length === 1) {
      const [key, argument] = entries[0]! as [string, Json];
      switch (key) {
        case 'Ref':
          return ref(argument as string);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(argument)
            ? (argument as string[])
            : (argument as string).split(/\.(.*)/);
          return getAtt(id!, attribute!);
        }
        case 'Fn::Sub':
          return Array.isArray(argument)
            ? sub(argument[0] as string, argument[1] as Record<string, Json>)
            : sub(argument as string);
        case 'Fn::Join': {
          const [separator, items] = argument as [string, Json[]];
          return (resolve(items) as Json[]).join(separator);
        }
        case 'Fn::Split': {
          const [separator, text] = argument as [string, Json];
          return String(resolve(text)).split(separator);
        }
        case 'Fn::Select': {
          const [index, items] = argument as [number, Json];
          return (resolve(items) as Json[])[Number(index)];
        }
        case 'Fn::GetAZs':
          return [`${REGION}a`, `${REGION}b`];
      }
    }
    const resolved: Record<string, Json> = {};
    for (const [key, item] of entries) {
      const result = resolve(item);
      if (result !== NO_VALUE) resolved[key] = result;
    }
    return resolved;
  }
  return { resolve, ref, getAtt };
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

export async function readCloudService(packageDirectory: string, stack: string): Promise<CloudService> {
  const template = JSON.parse(
    await readFile(`${packageDirectory}/cloudformation-template-update-stack.json`, 'utf8'),
  ) as Template;
  const { resolve, ref } = resolver(template, stack);
  const resolved = Object.fromEntries(
    Object.entries(template.Resources).map(([id, resource]) => [
      id,
      { Type: resource.Type, Properties: resolve(resource.Properties ?? {}) as Record<string, Json> },
    ]),
    // resolved properties are read by the shapes CloudFormation documents for each type
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ) as Record<string, { Type: string; Properties: Record<string, any> }>;
  const ofType = (type: string) => Object.entries(resolved).filter(([, resource]) => resource.Type === type);
  const functionByArn = new Map<string, string>();

  const functions: Record<string, CloudFunction> = {};
  for (const [logicalId, { Properties: p }] of ofType('AWS::Lambda::Function')) {
    const roleId = template.Resources[logicalId]!.Properties!.Role as { 'Fn::GetAtt': [string, string] };
    const role = resolved[roleId['Fn::GetAtt'][0]]!;
    const statements = asArray(
      role.Properties.Policies as { PolicyDocument: { Statement: PolicyStatement[] } }[],
    ).flatMap((policy) => policy.PolicyDocument.Statement);
    const fn: CloudFunction = {
      logicalId,
      name: p.FunctionName,
      arn: `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${p.FunctionName}`,
      handler: p.Handler,
      runtime: p.Runtime,
      timeoutSeconds: p.Timeout ?? 3,
      memoryMb: p.MemorySize ?? 128,
      environment: p.Environment?.Variables ?? {},
      tracing: p.TracingConfig?.Mode ?? 'PassThrough',
      reservedConcurrency: p.ReservedConcurrentExecutions,
      securityGroupIds: p.VpcConfig?.SecurityGroupIds ?? [],
      role: {
        name: physicalName(stack, roleId['Fn::GetAtt'][0], role as Resource),
        arn: resolve(roleId) as string,
        statements,
      },
      zip: basename(p.Code.S3Key),
    };
    functions[fn.name] = fn;
    functionByArn.set(fn.arn, fn.name);
  }
  const functionNamed = (arn: string) => {
    const name = functionByArn.get(arn);
    if (!name) throw new Error(`the template points at ${arn}, which is none of its functions`);
    return name;
  };

  /** the logical id a `Ref` names, from the template as written */
  const referenced = (value: Json): string | undefined =>
    JSON.stringify(value ?? null).match(/"Ref":"([^"]+)"/)?.[1];
  const routes: CloudRoute[] = ofType('AWS::ApiGatewayV2::Route').map(([id, { Properties: p }]) => {
    // `$default` takes what no other route does
    const [method, path] =
      p.RouteKey === '$default'
        ? ['ANY', '$default']
        : ((p.RouteKey as string).split(' ') as [string, string]);
    const written = template.Resources[id]!.Properties!;
    const integration = resolved[referenced(written.Target)!]!;
    // the Lambdas check tokens themselves (decision 0030); this tier models no authorizer
    if ((p.AuthorizationType ?? 'NONE') !== 'NONE') {
      throw new Error(`${p.RouteKey}: the template has an authorizer, which the cloud tier does not model`);
    }
    return { method, path, functionName: functionNamed(integration.Properties.IntegrationUri) };
  });

  const mappings: CloudMapping[] = ofType('AWS::Lambda::EventSourceMapping').map(([, { Properties: p }]) => {
    const access = (type: string) =>
      (p.SourceAccessConfigurations as { Type: string; URI: string }[]).find((item) => item.Type === type)
        ?.URI;
    return {
      functionName: functionNamed(p.FunctionName),
      brokerArn: p.EventSourceArn,
      queue: p.Queues[0],
      virtualHost: access('VIRTUAL_HOST') ?? '/',
      basicAuthSecretArn: access('BASIC_AUTH')!,
      batchSize: p.BatchSize ?? 100,
      // Amazon MQ's default window is 500 ms
      maximumBatchingWindowSeconds: p.MaximumBatchingWindowInSeconds ?? 0.5,
    };
  });

  const schedules: CloudSchedule[] = ofType('AWS::Events::Rule').flatMap(([, { Properties: p }]) =>
    asArray(p.Targets as { Arn: string }[]).map((target) => ({
      functionName: functionNamed(target.Arn),
      expression: p.ScheduleExpression,
    })),
  );

  return {
    template,
    functions,
    routes,
    mappings,
    schedules,
    tables: ofType('AWS::DynamoDB::Table').map(([, resource]) => resource.Properties),
    queues: ofType('AWS::SQS::Queue').map(([, resource]) => resource.Properties),
    secrets: ofType('AWS::SecretsManager::Secret').map(([id, resource]) => ({
      arn: ref(id) as string,
      generate: resource.Properties.GenerateSecretString,
    })),
  };
}
