// The cloud tier's stand-in for AWS's network: every AWS SDK call a function makes (AWS_ENDPOINT_URL
// points here) is checked against that function's own role from the template, by an IAM policy
// evaluator (@cloud-copilot/iam-simulate), before it reaches the local DynamoDB (dynalite), SQS
// (sqslite), a Secrets Manager of a few secrets held here, or another function (Lambda Invoke). The
// caller is known by the access key its container signs with (SigV4's credential scope). A DynamoDB
// call carries the partition keys it names as `dynamodb:LeadingKeys`, as AWS evaluates it, so that a
// role limited to some items (checkpoints only) is held to them.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { ACCOUNT, PARTITION, REGION, type CloudFunction } from './cloudTemplate.ts';

export interface ApiCall {
  functionName: string;
  action: string;
  resource: string;
}

export interface AwsEndpointOptions {
  /** dynalite */
  dynamoDbEndpoint: string;
  /** sqslite (its queue URLs name this origin) */
  sqsEndpoint: string;
  /** Secrets Manager's secrets: ARN → SecretString */
  secrets: Map<string, string>;
  /** the function whose container signs with this access key */
  functionOf: (accessKeyId: string) => CloudFunction | undefined;
  invoke: (functionName: string, payload: unknown, invocationType: string) => Promise<unknown>;
  /** a table's partition key attribute (an index's when `index` is given), from the template */
  partitionKeyOf: (table: string, index?: string) => string | undefined;
}

/** Request context as IAM sees it, e.g. `dynamodb:LeadingKeys` (multi-valued: an array). */
export type RequestContext = Record<string, string | string[]>;

/** Whether the function's role allows `action` on `resource`, as IAM decides it. */
export async function roleAllows(
  fn: CloudFunction,
  action: string,
  resource: string,
  context: RequestContext = {},
): Promise<boolean> {
  const response = await runSimulation(
    {
      request: {
        principal: fn.role.arn,
        action,
        resource: { resource, accountId: ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [
        { name: 'inline', policy: { Version: '2012-10-17', Statement: fn.role.statements } },
      ],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(`IAM simulation of ${action} on ${resource} failed: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult === 'Allowed';
}

const readBody = (request: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const tableArn = (name: string) => `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const queueArn = (name: string) => `arn:${PARTITION}:sqs:${REGION}:${ACCOUNT}:${name}`;
const functionArn = (name: string) =>
  name.startsWith('arn:') ? name : `arn:${PARTITION}:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** DynamoDB: the action from X-Amz-Target, the tables (and indexes) and their keys from the body. */
type AttributeValue = { S?: string; N?: string; B?: string };
type Item = Record<string, AttributeValue>;
interface KeyedRequest {
  TableName?: string;
  IndexName?: string;
  Key?: Item;
  Item?: Item;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}
interface DynamoDbRequest extends KeyedRequest {
  /** BatchGetItem: `{ Keys }`; BatchWriteItem: `[{ PutRequest: { Item } } | { DeleteRequest: { Key } }]` */
  RequestItems?: Record<
    string,
    { Keys?: Item[] } | { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]
  >;
  TransactItems?: Record<string, KeyedRequest & { TableName: string }>[];
}

const scalar = (value: AttributeValue | undefined) => value?.S ?? value?.N ?? value?.B;

/** The partition key values one table's part of a request names (a Query's from its key condition). */
function partitionKeys(
  request: KeyedRequest,
  items: (Item | undefined)[],
  partitionKey: string | undefined,
): string[] {
  if (!partitionKey) return [];
  const values = items.map((item) => scalar(item?.[partitionKey]));
  for (const [, name, placeholder] of (request.KeyConditionExpression ?? '').matchAll(
    /([#\w.]+)\s*=\s*(:\w+)/g,
  )) {
    if ((request.ExpressionAttributeNames?.[name!] ?? name) === partitionKey)
      values.push(scalar(request.ExpressionAttributeValues?.[placeholder!]));
  }
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

interface ResourceCall {
  resource: string;
  context: RequestContext;
}

function dynamoDbCall(
  target: string,
  body: DynamoDbRequest,
  partitionKeyOf: AwsEndpointOptions['partitionKeyOf'],
): { action: string; resources: ResourceCall[] } {
  const operation = target.split('.')[1]!;
  const resources: ResourceCall[] = [];
  const add = (table: string, request: KeyedRequest, items: (Item | undefined)[], index?: string) => {
    const keys = partitionKeys(request, items, partitionKeyOf(table, index));
    resources.push({
      resource: index ? `${tableArn(table)}/index/${index}` : tableArn(table),
      context: keys.length ? { 'dynamodb:LeadingKeys': keys } : {},
    });
  };
  if (body.TableName) add(body.TableName, body, [body.Key, body.Item], body.IndexName);
  for (const [table, part] of Object.entries(body.RequestItems ?? {})) {
    const items = Array.isArray(part)
      ? part.map((write) => write.PutRequest?.Item ?? write.DeleteRequest?.Key)
      : (part.Keys ?? []);
    add(table, {}, items);
  }
  for (const item of body.TransactItems ?? []) {
    const request = Object.values(item)[0]!;
    add(request.TableName, request, [request.Key, request.Item]);
  }
  return {
    action: `dynamodb:${operation}`,
    resources: resources.length ? resources : [{ resource: '*', context: {} }],
  };
}

export async function startAwsEndpoint(options: AwsEndpointOptions) {
  const calls: ApiCall[] = [];
  const denials: ApiCall[] = [];
  let origin = '';

  function refuse(response: ServerResponse, fn: CloudFunction, call: ApiCall, queryProtocol = false) {
    denials.push(call);
    const message =
      `User: arn:${PARTITION}:sts::${ACCOUNT}:assumed-role/${fn.role.name}/${fn.name} is not authorized ` +
      `to perform: ${call.action} on resource: ${call.resource} because no identity-based policy allows the ` +
      `${call.action} action`;
    if (queryProtocol) {
      response.writeHead(403, { 'content-type': 'text/xml' });
      response.end(
        `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${message}</Message></Error></ErrorResponse>`,
      );
      return;
    }
    response.writeHead(400, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'AccessDeniedException',
    });
    response.end(JSON.stringify({ __type: 'AccessDeniedException', message, Message: message }));
  }

  /** Checks every resource of the call; refuses (and records it) at the first one not allowed. */
  async function authorized(
    response: ServerResponse,
    fn: CloudFunction,
    action: string,
    resources: (string | ResourceCall)[],
    queryProtocol = false,
  ): Promise<boolean> {
    for (const each of resources) {
      const { resource, context } = typeof each === 'string' ? { resource: each, context: {} } : each;
      const call = { functionName: fn.name, action, resource };
      calls.push(call);
      if (!(await roleAllows(fn, action, resource, context))) {
        refuse(response, fn, call, queryProtocol);
        return false;
      }
    }
    return true;
  }

  async function forward(request: IncomingMessage, body: Buffer, target: string, response: ServerResponse) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
        headers[name] = value;
    }
    const answer = await fetch(`${target}${request.url}`, {
      method: request.method,
      headers: { ...headers, host: new URL(target).host },
      ...(body.length ? { body } : {}),
    });
    let text = await answer.text();
    // sqslite's queue URLs name its own origin; the SDK sends to a queue's URL, which must lead here
    text = text.split(options.sqsEndpoint).join(origin);
    const responseHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
        responseHeaders[name] = value;
    });
    response.writeHead(answer.status, responseHeaders);
    response.end(text);
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const body = await readBody(request);
    const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
      request.headers.authorization ?? '',
    );
    const fn = scope ? options.functionOf(scope[1]!) : undefined;
    if (!scope || !fn) {
      response.writeHead(403, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'The security token included in the request is invalid.' }));
      return;
    }
    const service = scope[2]!;
    const target = String(request.headers['x-amz-target'] ?? '');

    if (service === 'dynamodb') {
      const { action, resources } = dynamoDbCall(
        target,
        JSON.parse(body.toString() || '{}'),
        options.partitionKeyOf,
      );
      if (await authorized(response, fn, action, resources))
        await forward(request, body, options.dynamoDbEndpoint, response);
      return;
    }
    if (service === 'sqs') {
      const json = target.startsWith('AmazonSQS.');
      const parameters: Record<string, string> = json
        ? JSON.parse(body.toString() || '{}')
        : Object.fromEntries(new URLSearchParams(body.toString()));
      const operation = json ? target.split('.')[1]! : parameters.Action!;
      const queueName =
        parameters.QueueName ?? parameters.QueueUrl?.split('/').pop() ?? request.url!.split('/').pop()!;
      if (await authorized(response, fn, `sqs:${operation}`, [queueArn(queueName)], !json))
        await forward(request, body, options.sqsEndpoint, response);
      return;
    }
    if (service === 'secretsmanager') {
      const operation = target.split('.')[1]!;
      const { SecretId } = JSON.parse(body.toString() || '{}') as { SecretId: string };
      const arn =
        [...options.secrets.keys()].find(
          (candidate) => candidate === SecretId || candidate.endsWith(`:secret:${SecretId}`),
        ) ?? SecretId;
      if (!(await authorized(response, fn, `secretsmanager:${operation}`, [arn]))) return;
      const secret = options.secrets.get(arn);
      if (operation !== 'GetSecretValue' || secret === undefined) {
        response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(
          JSON.stringify({
            __type: 'ResourceNotFoundException',
            Message: "Secrets Manager can't find the specified secret.",
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(
        JSON.stringify({
          ARN: arn,
          Name: arn.split(':secret:')[1],
          SecretString: secret,
          VersionId: 'v1',
          VersionStages: ['AWSCURRENT'],
        }),
      );
      return;
    }
    if (service === 'lambda') {
      const invocation = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(request.url ?? '');
      if (!invocation) {
        response.writeHead(400).end();
        return;
      }
      const name = decodeURIComponent(invocation[1]!);
      if (!(await authorized(response, fn, 'lambda:InvokeFunction', [functionArn(name)]))) return;
      const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      const calledName = name.split(':').pop()!;
      const payload = body.length ? JSON.parse(body.toString()) : {};
      if (type === 'Event') {
        // Lambda queues an asynchronous invocation and answers 202 at once
        options.invoke(calledName, payload, type).catch(() => undefined);
        response.writeHead(202).end();
        return;
      }
      const result = await options.invoke(calledName, payload, type);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(result ?? null));
      return;
    }
    response.writeHead(400, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: `the cloud tier has no stand-in for ${service}` }));
    denials.push({ functionName: fn.name, action: `${service}:?`, resource: request.url ?? '' });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: error instanceof Error ? error.message : String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    calls,
    denials,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
