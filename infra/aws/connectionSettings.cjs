// serverless.yml's reserved concurrency settings, as integers: a stage parameter arrives as a string,
// and a function's reservedConcurrency must be a number. A value that is no whole number in range
// fails packaging with its name. CommonJS because osls loads variable files with require().
const RANGES = { commandConcurrency: [1, 1000], healthConcurrency: [1, 100] };

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
