// serverless.yml's CloudWatch alarms (alarmResources.ts), from the stage parameters in its custom
// section: `${file(./infra/deploy/alarmsTemplate.cjs):resources}`, and its dashboard
// (dashboardResources.ts): `:dashboard`. CommonJS because osls loads variable
// files with require(); tsx's require loads the TypeScript they come from.
const { require: requireTypeScript } = require('tsx/cjs/api');

const load = (file) => requireTypeScript(file, __filename);
const resolve = async (resolveVariable, name) => String(await resolveVariable(name));
const optional = (value) => (value === '' ? undefined : value);

module.exports = {
  resources: async ({ resolveVariable }) => {
    const setting = (name) => resolve(resolveVariable, `self:custom.alarms.${name}`);
    return load('./alarmResources.ts').alarmResources({
      prefix: await resolve(resolveVariable, 'self:custom.resourcePrefix'),
      metricsNamespace: await resolve(resolveVariable, 'self:custom.metrics.namespace'),
      metricsService: await resolve(resolveVariable, 'self:custom.metrics.service'),
      topicArn: optional(await setting('topicArn')),
      email: optional(await setting('email')),
      lagSeconds: Number(await setting('lagSeconds')),
      lagMinutes: Number(await setting('lagMinutes')),
      serverErrorPercent: Number(await setting('serverErrorPercent')),
    });
  },
  dashboard: async ({ resolveVariable }) =>
    load('./dashboardResources.ts').dashboardResources({
      prefix: await resolve(resolveVariable, 'self:custom.resourcePrefix'),
      metricsNamespace: await resolve(resolveVariable, 'self:custom.metrics.namespace'),
      metricsService: await resolve(resolveVariable, 'self:custom.metrics.service'),
    }),
};
