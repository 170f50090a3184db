// serverless.yml's HTTP side, derived from the routes' contracts (functions/apiDocs/apiRoutes.ts), as
// readSideTemplate.cjs derives the read side from the projection catalog:
// `${file(./infra/deploy/httpTemplate.cjs):functions}`, every route's function and role (httpFunctions.ts)
// (the fallback's route list is routeList.cjs's). CommonJS because osls loads variable files with
// require(); tsx's require loads the TypeScript they come from.
const { require: requireTypeScript } = require('tsx/cjs/api');

const load = (file) => requireTypeScript(file, __filename);
const resolve = async (resolveVariable, name) => String(await resolveVariable(name));
const number = async (resolveVariable, name) => Number(await resolveVariable(name));

module.exports = {
  functions: async ({ resolveVariable }) =>
    load('./httpFunctions.ts').httpFunctions({
      tableArn: await resolve(resolveVariable, 'self:custom.arn.table'),
      relayArn: await resolve(resolveVariable, 'self:custom.arn.relay'),
      issuerKeysArn: await resolve(resolveVariable, 'self:custom.arn.issuerKeys'),
      databaseSecretArns: {
        commands: await resolve(resolveVariable, 'self:custom.databaseRoleSecretArns.commands'),
        health: await resolve(resolveVariable, 'self:custom.databaseRoleSecretArns.health'),
      },
      vpc: (await resolveVariable('self:custom.vpc, null')) ?? null,
      concurrency: {
        command: await number(resolveVariable, 'self:custom.connections.commandConcurrency'),
        query: await number(resolveVariable, 'self:custom.connections.queryConcurrency'),
        health: await number(resolveVariable, 'self:custom.connections.healthConcurrency'),
        public: await number(resolveVariable, 'self:custom.connections.publicConcurrency'),
      },
    }),
};
