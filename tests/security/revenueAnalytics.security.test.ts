// The attacker reads the shop's revenue. Before, product sales, category revenue, hourly sales and
// sync-status were public even with signing in on: anyone could follow a competitor's sales by the
// hour. Now they answer administrators only (a 401 without a token, a 403 for a customer), and the
// API document says so; a customer's lifetime value stays its own. (With signing in off every seed
// flow runs as before: the end-to-end tier's seed flows.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '../../infra/local/testIssuer.ts';
import { callHandler, type HttpCall } from '../support/lambdaEvents.ts';
import { startTestAws } from '../support/localAwsForTests.ts';

const AUDIENCE = 'security-tests';
type Handler = Parameters<typeof callHandler>[0];

let aws: Awaited<ReturnType<typeof startTestAws>>;
let issuer: TestIssuer;
let routes: { name: string; handler: Handler; call: HttpCall }[];

beforeAll(async () => {
  issuer = await startTestIssuer({ audience: AUDIENCE });
  aws = await startTestAws({ AUTH_ISSUER_URL: issuer.url, AUTH_AUDIENCE: AUDIENCE });
  const handler = async (file: string) =>
    ((await import(`../../functions/analytics/query/${file}.ts`)) as { handler: Handler }).handler;
  routes = [
    {
      name: 'product sales',
      handler: await handler('getProductSales'),
      call: { method: 'GET', path: '/api/analytics/products/1/sales', pathParameters: { id: '1' } },
    },
    {
      name: 'category revenue',
      handler: await handler('getCategoryRevenue'),
      call: {
        method: 'GET',
        path: '/api/analytics/categories/Electronics/revenue',
        pathParameters: { category: 'Electronics' },
      },
    },
    {
      name: 'hourly sales',
      handler: await handler('getHourlySales'),
      call: {
        method: 'GET',
        path: '/api/analytics/hours/2026-02-11T16/sales',
        pathParameters: { hour: '2026-02-11T16' },
      },
    },
    {
      name: 'sync-status',
      handler: await handler('getSyncStatus'),
      call: { method: 'GET', path: '/api/analytics/sync-status' },
    },
  ];
});

afterAll(async () => {
  await Promise.all([aws?.stop(), issuer?.stop()]);
});

const asCaller = async (claims: Record<string, unknown> | undefined): Promise<Record<string, string>> =>
  claims ? { Authorization: `Bearer ${await issuer.mintToken(claims)}` } : {};

describe('the revenue analytics and sync-status, signed in', () => {
  it('refuse a caller without a token (401) and a customer (403); an administrator gets the answer', async () => {
    const seen: Record<string, number[]> = {};
    const codes: Record<string, (string | undefined)[]> = {};
    for (const { name, handler, call } of routes) {
      const answers = [];
      for (const claims of [undefined, { sub: 'competitor' }, { sub: 'ops', 'cognito:groups': ['admin'] }]) {
        answers.push(await callHandler(handler, { ...call, headers: await asCaller(claims) }));
      }
      seen[name] = answers.map((answer) => answer.statusCode);
      codes[name] = answers.slice(0, 2).map((answer) => (answer.body as { code?: string }).code);
      expect(JSON.stringify(answers.map((answer) => answer.body)), name).not.toMatch(/\n\s+at /);
    }
    console.log(`[security] anonymous, customer, administrator: ${JSON.stringify(seen)}`);
    for (const name of Object.keys(codes)) expect(codes[name], name).toEqual(['missing_token', 'forbidden']);
    // an administrator's answer is on its merits: a product nobody sold is a 404, an hour without sales 0
    expect(seen).toEqual({
      'product sales': [401, 403, 404],
      'category revenue': [401, 403, 404],
      'hourly sales': [401, 403, 200],
      'sync-status': [401, 403, 200],
    });
  });

  it('are described as the administrators’, and a customer’s lifetime value as any signed-in owner’s', async () => {
    const { openApiDocument } = await import('../../functions/apiDocs/openApiDocument.ts');
    const paths = openApiDocument().paths as Record<
      string,
      { get: { security: unknown[]; description?: string; responses: Record<string, unknown> } }
    >;
    for (const path of [
      '/api/analytics/products/{id}/sales',
      '/api/analytics/categories/{category}/revenue',
      '/api/analytics/hours/{hour}/sales',
      '/api/analytics/sync-status',
    ]) {
      const operation = paths[path]!.get;
      expect(operation.security, path).toEqual([{ bearerToken: [] }]);
      expect(Object.keys(operation.responses), path).toEqual(expect.arrayContaining(['401', '403']));
      expect(operation.description, path).toMatch(/[Aa]dministrators only/);
    }
    const lifetimeValue = paths['/api/analytics/customers/{id}/lifetime-value']!.get;
    expect(lifetimeValue.security).toEqual([{ bearerToken: [] }]);
    expect(lifetimeValue.description).not.toMatch(/[Aa]dministrators only/);
  });
});
