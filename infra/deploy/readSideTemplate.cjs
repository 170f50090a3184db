// serverless.yml's read side, derived from the projection catalog (functions/projectors/catalog.ts):
// `${file(./infra/deploy/readSideTemplate.cjs):resources}`, `:projectorFunctions`, `:mappingExtensions`,
// `:projectionTables` (every projection table, for the roles that read them all),
// `:checkpointItemsOnly` (the condition of a role that reads their checkpoints only) and the broker
// users' secrets (`:brokerUserSecrets`, `:brokerUserSecretArns`, `:brokerUserSecretArnsJson`).
// CommonJS because osls loads variable files with require(); tsx's require loads the TypeScript they
// come from.
const { require: requireTypeScript } = require('tsx/cjs/api');

const load = (file) => requireTypeScript(file, __filename);
const resolve = async (resolveVariable, name) => String(await resolveVariable(name));

module.exports = {
  resources: async ({ resolveVariable }) =>
    load('./readModelResources.ts').cloudFormationResources(
      await resolve(resolveVariable, 'self:custom.resourcePrefix'),
      (await resolve(resolveVariable, 'self:custom.protectData')) === 'true',
    ),
  projectorFunctions: async ({ resolveVariable }) =>
    load('./projectorFunctions.ts').projectorFunctions({
      tableArn: await resolve(resolveVariable, 'self:custom.arn.table'),
      deadLetterQueueArn: await resolve(resolveVariable, 'self:custom.arn.deadLetterQueue'),
      brokerArn: await resolve(resolveVariable, 'self:custom.brokerArn'),
      virtualHost: await resolve(resolveVariable, 'self:custom.brokerVirtualHost'),
    }),
  mappingExtensions: () => load('./projectorFunctions.ts').projectorMappingExtensions(),
  // each broker job's user secret (brokerUserSecrets.ts), their ARNs for prepareBackend, as IAM
  // resources and as its BROKER_USER_SECRET_ARNS
  brokerUserSecrets: async ({ resolveVariable }) =>
    load('./brokerUserSecrets.ts').brokerUserSecretResources(
      await resolve(resolveVariable, 'self:custom.resourcePrefix'),
    ),
  brokerUserSecretArns: () => load('./brokerUserSecrets.ts').brokerUserSecretArns(),
  brokerUserSecretArnsJson: () => load('./brokerUserSecrets.ts').brokerUserSecretArnsJson(),
  checkpointItemsOnly: () => load('./projectorFunctions.ts').checkpointItemsOnly(),
  projectionTables: async ({ resolveVariable }) =>
    load('./projectorFunctions.ts').projectionTableResources(
      await resolve(resolveVariable, 'self:custom.arn.table'),
    ),
};
