// Amazon MQ's management API, as far as prepareBackend uses it: `POST /api/definitions` over HTTPS,
// signed in as the broker's administrator (basic authentication), on the broker's console URL. The
// machine's RabbitMQ has no management plugin, and a test never reconfigures a shared service: the
// definitions reach it through `rabbitmqctl import_definitions`, as the local stack gives them.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { BrokerDefinitions } from '../../../functions/operations/brokerPermissions.ts';
import { importWithRabbitmqctl } from '../../../infra/local/localBackend.ts';
import type { Certificates } from './tlsEndpoints.ts';

export interface BrokerManagement {
  url: string;
  /** every definitions document it imported */
  imported: BrokerDefinitions[];
  /** requests it refused, with why */
  refused: string[];
  stop(): Promise<void>;
}

export async function startBrokerManagement(
  certificates: Certificates,
  administrator: { username: string; password: string },
): Promise<BrokerManagement> {
  const imported: BrokerDefinitions[] = [];
  const refused: string[] = [];
  const expected = `Basic ${Buffer.from(`${administrator.username}:${administrator.password}`).toString('base64')}`;
  const server = createServer({ key: certificates.key, cert: certificates.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = (status: number, reason?: string) => {
        if (reason) refused.push(`${request.method} ${request.url}: ${status} ${reason}`);
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(reason ? JSON.stringify({ error: reason }) : undefined);
      };
      if (request.headers.authorization !== expected) return answer(401, 'not_authorised');
      if (request.method !== 'POST' || request.url !== '/api/definitions') return answer(404, 'not_found');
      let definitions: BrokerDefinitions;
      try {
        definitions = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BrokerDefinitions;
      } catch {
        return answer(400, 'bad_request');
      }
      importWithRabbitmqctl(definitions).then(
        () => {
          imported.push(definitions);
          answer(204);
        },
        (error: unknown) => answer(500, error instanceof Error ? error.message : String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://localhost:${(server.address() as AddressInfo).port}`,
    imported,
    refused,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
