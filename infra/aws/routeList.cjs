// The HTTP routes serverless.yml declares, as `METHOD /path`, read from serverless.yml itself (one
// list): `${file(./infra/aws/routeList.cjs)}` gives them joined by commas, the fallback function's
// ROUTES, so that a path the API has, asked with another method, is a 405 naming the methods it
// takes; `routes()` gives them as a list (npm run dev counts them).
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { parse } = require('yaml');

function routes() {
  const { functions } = parse(readFileSync(join(__filename, '../../../serverless.yml'), 'utf8'));
  return functions
    .filter((entry) => typeof entry === 'object')
    .flatMap((entry) => Object.values(entry))
    .flatMap((fn) => fn.events ?? [])
    .filter((event) => typeof event.httpApi === 'object')
    .map(({ httpApi }) => `${httpApi.method} ${httpApi.path}`);
}

module.exports = () => routes().join(',');
module.exports.routes = routes;
