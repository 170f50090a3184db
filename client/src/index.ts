// The typed client of the cqrs-commerce API: openapi-fetch over the types openapi-typescript
// generates from the API's OpenAPI document (schema.ts), so a request or an answer the API does not
// have does not type-check. Two things a web or mobile client of this API wants besides:
// - `token`: a bearer token (or a function that gives the current one) sent with every request;
// - `readYourWrites`: the client remembers the X-Event-Position of its last command and sends it as
//   X-Min-Position with every read, so a read never misses what this client wrote.
import createClient, { type ClientOptions, type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.ts';

export type { components, operations, paths } from './schema.ts';

/** RFC 9457 problem details: every 4xx and 5xx of the API. */
export type Problem = components['schemas']['Problem'];

export interface CommerceClientOptions extends ClientOptions {
  /** the API's address, e.g. http://localhost:3000 */
  baseUrl: string;
  token?: string | (() => string | Promise<string>);
  readYourWrites?: boolean;
}

export const EVENT_POSITION_HEADER = 'X-Event-Position';
export const MIN_POSITION_HEADER = 'X-Min-Position';

export function createCommerceClient({ token, readYourWrites, ...options }: CommerceClientOptions) {
  const client = createClient<paths>(options);
  let lastPosition = 0;
  if (token !== undefined) {
    const bearer: Middleware = {
      async onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${typeof token === 'function' ? await token() : token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  if (readYourWrites) {
    const consistentReads: Middleware = {
      onRequest({ request }) {
        if (request.method === 'GET' && lastPosition > 0 && !request.headers.has(MIN_POSITION_HEADER)) {
          request.headers.set(MIN_POSITION_HEADER, String(lastPosition));
        }
        return request;
      },
      onResponse({ response }) {
        const position = Number(response.headers.get(EVENT_POSITION_HEADER));
        if (Number.isSafeInteger(position)) lastPosition = Math.max(lastPosition, position);
        return response;
      },
    };
    client.use(consistentReads);
  }
  return Object.assign(client, {
    /** with readYourWrites: the position of this client's last write (another client may wait for it) */
    lastEventPosition: () => lastPosition,
  });
}

export type CommerceClient = ReturnType<typeof createCommerceClient>;
