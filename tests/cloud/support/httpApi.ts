// The cloud tier's API Gateway HTTP API: the template's routes, each an AWS_PROXY integration with
// payload format 2.0 and no authorizer (the Lambdas check tokens). It builds the event as API Gateway
// documents it ("Working with AWS Lambda proxy integrations for HTTP APIs"), maps the result back the
// same way, answers 404 for a route it lacks and 500 when the function fails.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ACCOUNT, REGION, type CloudRoute } from './cloudTemplate.ts';

interface Match {
  route: CloudRoute;
  pathParameters: Record<string, string>;
}

/** API Gateway prefers the most specific route: fewer path variables first, greedy ones last. */
function specificity(route: CloudRoute): number {
  const segments = route.path.split('/');
  return (
    segments.filter((segment) => segment.startsWith('{')).length * 10 + (route.path.includes('+}') ? 100 : 0)
  );
}

function matchRoute(routes: CloudRoute[], method: string, path: string): Match | undefined {
  const fallback = routes.find((route) => route.path === '$default');
  return (
    matchDeclared(
      routes.filter((route) => route !== fallback),
      method,
      path,
    ) ?? (fallback ? { route: fallback, pathParameters: {} } : undefined)
  );
}

function matchDeclared(routes: CloudRoute[], method: string, path: string): Match | undefined {
  const candidates = routes
    .filter((route) => route.method === method || route.method === 'ANY')
    .sort((a, b) => specificity(a) - specificity(b));
  for (const route of candidates) {
    const names: string[] = [];
    const pattern = route.path
      .split('/')
      .map((segment) => {
        const variable = /^\{(\w+)(\+?)\}$/.exec(segment);
        if (!variable) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(variable[1]!);
        return variable[2] ? '(.+)' : '([^/]+)';
      })
      .join('/');
    const found = new RegExp(`^${pattern}$`).exec(path);
    if (found) {
      return {
        route,
        pathParameters: Object.fromEntries(
          names.map((name, index) => [name, decodeURIComponent(found[index + 1]!)]),
        ),
      };
    }
  }
  return undefined;
}

const routeKey = (route: CloudRoute) =>
  route.path === '$default' ? '$default' : `${route.method} ${route.path}`;

export interface HttpApiOptions {
  routes: CloudRoute[];
  invoke: (functionName: string, event: unknown) => Promise<unknown>;
}

export async function startHttpApi(options: HttpApiOptions) {
  const apiId = 'cloudtier';

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(payload));
    };
    const match = matchRoute(options.routes, method, url.pathname);
    if (!match) return send(404, { message: 'Not Found' });

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined && name !== 'cookie')
        headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    const query: Record<string, string[]> = {};
    for (const [name, value] of url.searchParams) (query[name] ??= []).push(value);
    const now = new Date();
    const textual = /^(application\/(json|.*\+json|x-www-form-urlencoded|xml)|text\/)/.test(
      request.headers['content-type'] ?? 'application/json',
    );
    const event = {
      version: '2.0',
      routeKey: routeKey(match.route),
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      ...(request.headers.cookie ? { cookies: request.headers.cookie.split('; ') } : {}),
      headers,
      ...(Object.keys(query).length
        ? {
            queryStringParameters: Object.fromEntries(
              Object.entries(query).map(([k, v]) => [k, v.join(',')]),
            ),
          }
        : {}),
      ...(Object.keys(match.pathParameters).length ? { pathParameters: match.pathParameters } : {}),
      requestContext: {
        accountId: ACCOUNT,
        apiId,
        domainName: `${apiId}.execute-api.${REGION}.amazonaws.com`,
        domainPrefix: apiId,
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: routeKey(match.route),
        stage: '$default',
        time: now.toISOString(),
        timeEpoch: now.getTime(),
      },
      ...(body.length ? { body: textual ? body.toString() : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !textual,
    };

    let result: unknown;
    try {
      result = await options.invoke(match.route.functionName, event);
    } catch {
      return send(500, { message: 'Internal Server Error' });
    }
    // payload 2.0: a result without statusCode is taken as a 200 JSON body
    if (typeof result !== 'object' || result === null || !('statusCode' in result)) {
      return send(200, result);
    }
    const answer = result as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
      cookies?: string[];
    };
    response.writeHead(answer.statusCode, {
      ...answer.headers,
      ...(answer.cookies ? { 'set-cookie': answer.cookies } : {}),
    });
    response.end(
      answer.body === undefined
        ? undefined
        : Buffer.from(answer.body, answer.isBase64Encoded ? 'base64' : 'utf8'),
    );
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ message: 'Internal Server Error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
