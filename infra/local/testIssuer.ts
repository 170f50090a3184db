// A token issuer for the local stack with authentication on (`LOCAL_AUTH=on npm run dev`) and for
// the tests: an OpenID discovery document, its signing key as a JWKS, and `POST /token`, which signs
// an RS256 access token for whatever subject and claims are asked (`{"sub": "ops",
// "cognito:groups": ["admin"]}` makes an administrator). Its tokens say they are access tokens as RFC
// 9068 has it (header `typ` `at+jwt`) and as Cognito does (`token_use` `access`, which a caller may
// override to play an ID token). It checks nobody: it stands in for a real
// identity provider (Amazon Cognito, Auth0…) on 127.0.0.1 only. The key is made at start, so tokens
// do not outlive the process.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';

export interface TestIssuer {
  /** the `iss` of its tokens, e.g. http://localhost:3010 */
  url: string;
  audience: string;
  /** a token for `claims.sub` (default `developer`), valid for an hour; `claims` override any standard claim */
  mintToken(claims?: JWTPayload): Promise<string>;
  stop(): Promise<void>;
}

const TOKEN_LIFETIME_SECONDS = 3_600;

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of request) {
    text += chunk;
    if (text.length > 16_384) throw new Error('body too large');
  }
  const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('not an object');
  return parsed as Record<string, unknown>;
}

export async function startTestIssuer(options: { port?: number; audience: string }): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  let url = '';

  const mintToken = async (claims: JWTPayload = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const standard = { iss: url, sub: 'developer', aud: options.audience, iat: now, token_use: 'access' };
    return new SignJWT({ ...standard, exp: now + TOKEN_LIFETIME_SECONDS, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .sign(privateKey);
  };

  const send = (response: ServerResponse, statusCode: number, body: unknown) => {
    response.writeHead(statusCode, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', url).pathname;
    if (request.method === 'GET' && path === '/.well-known/openid-configuration') {
      return send(response, 200, {
        issuer: url,
        jwks_uri: `${url}/.well-known/jwks.json`,
        token_endpoint: `${url}/token`,
        id_token_signing_alg_values_supported: ['RS256'],
      });
    }
    if (request.method === 'GET' && path === '/.well-known/jwks.json') return send(response, 200, jwks);
    if (request.method === 'POST' && path === '/token') {
      readJson(request)
        .then(async (body) => {
          const subject = typeof body.sub === 'string' && body.sub !== '' ? body.sub : 'developer';
          // claims of the caller's choosing, but not those that say who issued it and for how long
          const { iss: _iss, aud: _aud, exp: _exp, iat: _iat, nbf: _nbf, ...claims } = body;
          const accessToken = await mintToken({ ...claims, sub: subject });
          send(response, 200, {
            access_token: accessToken,
            token_type: 'Bearer',
            expires_in: TOKEN_LIFETIME_SECONDS,
          });
        })
        .catch(() => send(response, 400, { error: 'invalid_request' }));
      return;
    }
    send(response, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  url = `http://localhost:${(server.address() as AddressInfo).port}`;

  return {
    url,
    audience: options.audience,
    mintToken,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
