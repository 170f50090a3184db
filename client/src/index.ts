// The typed client of the cqrs-commerce API: openapi-fetch over the types openapi-typescript
// generates from the API's OpenAPI document (schema.ts), so a request or an answer the API does not
// have does not type-check. Two things a web or mobile client of this API wants besides:
// - `token`: a bearer token (or a function that gives the current one) sent with every request;
// - `readYourWrites`: the client remembers the X-Event-Position of its last command and sends it as
//   X-Min-Position with every read, so a read never misses what this client wrote: the API waits a
//   bounded time for its read model, and where it answers `X-Consistency: stale` (the read model was
//   further behind than that), the client asks again, up to `readAttempts` times in all.
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
  /** with readYourWrites: how many times a read is sent while the API answers it `stale` (default 5) */
  readAttempts?: number;
}

export const EVENT_POSITION_HEADER = 'X-Event-Position';
export const MIN_POSITION_HEADER = 'X-Min-Position';
export const CONSISTENCY_HEADER = 'X-Consistency';

/**
 * `fetch`, sending a read with X-Min-Position again while its answer says `stale`. Below openapi-fetch's
 * middleware, so that they see only the last answer. Each attempt already waited on the API's side.
 */
function fetchUntilFresh(fetch: (input: Request) => Promise<Response>, attempts: number) {
  return async (request: Request): Promise<Response> => {
    const consistent = request.method === 'GET' && request.headers.has(MIN_POSITION_HEADER);
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(consistent ? request.clone() : request);
      if (!consistent || attempt >= attempts || response.headers.get(CONSISTENCY_HEADER) !== 'stale') {
        return response;
      }
      await response.body?.cancel();
    }
  };
}

export function createCommerceClient({
  token,
  readYourWrites,
  readAttempts = 5,
  ...options
}: CommerceClientOptions) {
  const client = createClient<paths>(
    readYourWrites
      ? {
          ...options,
          fetch: fetchUntilFresh(options.fetch ?? ((request) => globalThis.fetch(request)), readAttempts),
        }
      : options,
  );
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
