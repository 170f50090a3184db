// The API's routes as `METHOD /path`, from their contracts (functions/apiDocs/apiRoutes.ts, through
// infra/deploy/httpFunctions.ts): `${file(./infra/deploy/routeList.cjs)}` gives them joined by commas, the
// fallback function's ROUTES, so that a path the API has, asked with another method, is a 405 naming
// the methods it takes; `routes()` gives them as a list (npm run dev counts them). CommonJS because
// osls loads variable files with require(); tsx's require loads the TypeScript.
const { require: requireTypeScript } = require('tsx/cjs/api');

const routes = () => requireTypeScript('./httpFunctions.ts', __filename).routeKeys();

module.exports = () => routes().join(',');
module.exports.routes = routes;
