// `npm run dev` with authentication on (LOCAL_AUTH=on: a local test issuer) and CORS restricted to one
// origin. Every route its contract does not make public refuses a request without a valid token and
// writes nothing; public routes stay open; a token from the issuer opens the rest, each user to its
// own (tests/support/ownerAccess.ts). (With authentication off, the default, commands.e2e.test.ts and
// seedFlows.e2e.test.ts send no token.)
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/apiDocs/apiRoutes.ts';
import { contractFetch } from '../support/apiContract.ts';
import { freePortBlock, startDevStack, type DevStack } from '../support/devStack.ts';
import { describeOwnerAccess } from '../support/ownerAccess.ts';

const ALLOWED_ORIGIN = 'https://shop.example';
let stack: DevStack;
let issuerUrl: string;

let routes: { method: string; path: string; protected: boolean }[];

beforeAll(async () => {
  const issuerPort = freePortBlock();
  issuerUrl = `http://localhost:${issuerPort}`;
  stack = await startDevStack({
    LOCAL_AUTH: 'on',
    AUTH_ISSUER_PORT: String(issuerPort),
    CORS_ALLOWED_ORIGINS: ALLOWED_ORIGIN,
  });
  routes = apiRoutes.map((route) => ({
    method: route.method,
    path: route.path.replace(/\{[^}]+\}/g, '1'),
    protected: route.access !== 'public',
  }));
});

afterAll(async () => {
  await stack?.stop();
});

async function tokenFor(subject: string, claims: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(`${issuerUrl}/token`, {
    method: 'POST',
    body: JSON.stringify({ ...claims, sub: subject }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown) {
  return contractFetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function eventCount(): Promise<number> {
  const client = new pg.Client(stack.database.url);
  await client.connect();
  try {
    return Number((await client.query('SELECT count(*) FROM event_log')).rows[0].count);
  } finally {
    await client.end();
  }
}

describe('with LOCAL_AUTH=on', () => {
  it('refuses every protected route without a valid token, with 401, and writes nothing', async () => {
    expect(routes.filter((route) => route.protected).length).toBeGreaterThan(15);
    const before = await eventCount();
    // the issuer's claims with a signature it did not make
    const [header, payload] = (await tokenFor('mallory')).split('.');
    const forged = `${header}.${payload}.${Buffer.from('forged').toString('base64url')}`;
    for (const route of routes.filter((candidate) => candidate.protected)) {
      const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : { title: 'x' };
      for (const [headers, code] of [
        [{}, 'missing_token'],
        [{ Authorization: `Bearer ${forged}` }, 'invalid_token'],
        [{ Authorization: 'Bearer not-a-token' }, 'invalid_token'],
      ] as const) {
        const response = await send(route.method, route.path, headers, body);
        const label = `${route.method} ${route.path} ${JSON.stringify(headers)}`;
        expect(response.status, label).toBe(401);
        expect(response.headers.get('www-authenticate'), label).toMatch(/^Bearer/);
        expect(response.headers.get('x-content-type-options'), label).toBe('nosniff');
        const answer = (await response.json()) as { code: string; detail: string };
        expect(answer.code, label).toBe(code);
        expect(response.headers.get('content-type'), label).toBe('application/problem+json');
        expect(JSON.stringify(answer), label).not.toMatch(/\n\s+at /);
      }
    }
    expect(await eventCount()).toBe(before);
  });

  it('keeps /health and the API description open', async () => {
    for (const route of routes.filter((candidate) => !candidate.protected)) {
      const response = await send(route.method, route.path);
      // answered on its merits (the placeholder ids may name nothing, or not be an hour): not a 401
      expect([200, 400, 404], `${route.method} ${route.path}`).toContain(response.status);
    }
  });

  it('serves a caller with a token from the issuer: writes, then reads its write', async () => {
    const authorization = { Authorization: `Bearer ${await tokenFor('alice')}` };
    const created = await send('POST', '/todos', authorization, { title: 'Behind a token' });
    expect(created.status).toBe(201);
    const position = created.headers.get('x-event-position')!;
    const list = await send('GET', '/todos', { ...authorization, 'X-Min-Position': position });
    expect(list.status).toBe(200);
    expect(await list.json()).toContainEqual(expect.objectContaining({ title: 'Behind a token' }));
    // the subject may be logged, the token never
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stack.output()).not.toContain(authorization.Authorization.slice('Bearer '.length));
  });
});

describeOwnerAccess(
  () => ({ baseUrl: stack.baseUrl, tokenFor: ({ sub, ...claims }) => tokenFor(String(sub), claims) }),
  // LOCAL_AUTH's administrators: the Cognito group claim, as the foundation stack's user pool has it
  { 'cognito:groups': ['admin'] },
);

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${stack.baseUrl}/api/orders`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });

  it('lets the configured origin call the API, with the headers it needs', async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(response.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
    expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('gives any other origin no permission', async () => {
    const response = await preflight('https://evil.example');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});
