// serverless.yml's capacity settings (reserved concurrency, API Gateway's throttling), as numbers: a
// stage parameter arrives as a string, and a function's reservedConcurrency and the stage's
// throttling limits must be numbers. A value that is no whole number in range fails packaging with
// its name. CommonJS because osls loads variable files with require().
//
// The reserved concurrency of every function together must leave the account's 100 unreserved: the
// docs/deploying.md sums the defaults, and infra/deploy/connectionBudget.ts holds the sum.
const RANGES = {
  commandConcurrency: [1, 1000],
  healthConcurrency: [1, 100],
  queryConcurrency: [1, 1000],
  publicConcurrency: [1, 100],
  // API Gateway's account-wide quota per region is 10,000 requests a second and a burst of 5,000
  apiRateLimit: [1, 10000],
  apiBurstLimit: [1, 5000],
};

module.exports = async ({ resolveVariable }) => {
  const settings = {};
  for (const [name, [min, max]] of Object.entries(RANGES)) {
    const text = String(await resolveVariable(`self:custom.connectionParameters.${name}`));
    const value = Number(text);
    if (!/^\d+$/.test(text) || value < min || value > max) {
      throw new Error(
        `The ${name} stage parameter must be a whole number from ${min} to ${max}, not "${text}"`,
      );
    }
    settings[name] = value;
  }
  return settings;
};
