// The answer to a request no route takes (the HTTP API's `$default` route; serverless-offline's
// catch-all locally): a 404 problem details, like the errors of every route, instead of API
// Gateway's `{"message":"Not Found"}` or serverless-offline's list of every route. (What API Gateway
// answers itself, such as its JWT authorizer's 401, keeps API Gateway's format.)
import { NotFoundError } from '../shared/errors.ts';
import { httpRoute } from '../shared/http/httpRoute.ts';

export const handler = httpRoute({ access: 'public' }, async () => {
  throw new NotFoundError('route_not_found', 'no route answers this method at this path');
});
