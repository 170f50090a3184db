// A GET route over one projection. With `X-Min-Position` the query first waits (bounded) until the
// projection has applied that position; `X-Consistency` says whether it got there (`fresh`) or gave
// up (`stale`), and `X-Projection-Position` how far the projection had got.
import { AppError, BadRequestError } from '../errors.ts';
import type { HttpResponse } from '../http/httpResponse.ts';
import { httpHandler, type RouteRequest } from '../http/httpHandler.ts';
import type { QueryContract } from '../http/routeContract.ts';
import { awaitPosition } from './projectionProgress.ts';

export const MIN_POSITION_HEADER = 'x-min-position';

export function queryHandler<P = undefined, Q = undefined>(
  contract: QueryContract<P, Q>,
  handle: (request: RouteRequest<undefined, P, Q>) => Promise<HttpResponse>,
) {
  const { projection } = contract;
  return httpHandler<undefined, P, Q>(contract, async (request) => {
    const wanted = request.headers[MIN_POSITION_HEADER];
    if (wanted === undefined) return handle(request);
    if (!/^\d{1,16}$/.test(wanted)) {
      throw new BadRequestError(
        'validation_failed',
        'X-Min-Position: must be an event position',
        'X-Min-Position',
      );
    }
    // a signed-in caller's own part is found through the directory (callerScope.ts): wait for it too
    const { caller } = request;
    const throughDirectory = projection !== 'directory' && caller.signedIn && !caller.administrator;
    const [progress, directory] = await Promise.all([
      awaitPosition(projection, Number(wanted)),
      throughDirectory ? awaitPosition('directory', Number(wanted)) : undefined,
    ]);
    const consistency = {
      'X-Consistency': progress.reached && (directory?.reached ?? true) ? 'fresh' : 'stale',
      'X-Projection-Position': String(progress.position),
    };
    try {
      const response = await handle(request);
      return { ...response, headers: { ...response.headers, ...consistency } };
    } catch (error) {
      // a 404 after waiting is an answer as of that position too
      if (error instanceof AppError) Object.assign(error.responseHeaders, consistency);
      throw error;
    }
  });
}
