// The HTTP routes serverless.yml declares, as `METHOD /path` joined by commas: the fallback
// function's ROUTES (`${file(./infra/aws/routeList.cjs)}`), so that a path the API has, asked with
// another method, is a 405 naming the methods it takes. Read from serverless.yml itself: one list.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const yaml = require('js-yaml');

module.exports = () => {
  const { functions } = yaml.load(readFileSync(join(__filename, '../../../serverless.yml'), 'utf8'));
  return functions
    .filter((entry) => typeof entry === 'object')
    .flatMap((entry) => Object.values(entry))
    .flatMap((fn) => fn.events ?? [])
    .filter((event) => typeof event.httpApi === 'object')
    .map(({ httpApi }) => `${httpApi.method} ${httpApi.path}`)
    .join(',');
};
