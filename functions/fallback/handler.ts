// The answer to a request no route takes (the HTTP API's `$default` route; serverless-offline's
// catch-all locally): a problem details like the errors of every route, instead of API Gateway's
// `{"message":"Not Found"}` or serverless-offline's list of every route. A path the API has, asked
// with another method, is a 405 whose `Allow` names the methods it takes (ROUTES, from the
// routes' contracts through infra/deploy/routeList.cjs); anything else is a 404. (What API Gateway answers itself, its 500 or 503 when a
// function crashes or times out, keeps API Gateway's format.)
import { MethodNotAllowedError, NotFoundError } from '../shared/errors.ts';
import { httpHandler } from '../shared/http/httpHandler.ts';

interface Route {
  method: string;
  path: RegExp;
}

/** `GET /users/{id},POST /users` → each method with its path as a pattern. */
export function parseRoutes(list: string): Route[] {
  return list
    .split(',')
    .filter(Boolean)
    .map((route) => {
      const [method, path] = route.split(' ') as [string, string];
      const pattern = path
        .split('/')
        .map((segment) => (/^\{.+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('/');
      return { method, path: new RegExp(`^${pattern}$`) };
    });
}

/** The methods the API takes at `path`, none if it has no such path. */
export const methodsAt = (routes: readonly Route[], path: string): string[] =>
  [...new Set(routes.filter((route) => route.path.test(path)).map((route) => route.method))].sort();

let routes: Route[] | undefined;

export const handler = httpHandler({ access: 'public' }, async ({ path }) => {
  // read at the first request: serverless-offline sets a function's environment when it invokes it
  routes ??= parseRoutes(process.env.ROUTES ?? '');
  const allowed = methodsAt(routes, path);
  if (allowed.length > 0) throw new MethodNotAllowedError(allowed);
  throw new NotFoundError('route_not_found', 'no route answers this method at this path');
});
