// A local osls plugin: a package (and so a deploy) refuses a shell that sets the local stack's
// settings. serverless.yml reads them from the environment for `npm run dev` (serverless-offline
// takes the same file), and a packaged function would carry them: a local database's or broker's
// URL with its credentials, local endpoints, the relay woken by a NOTIFY nobody listens for, the
// issuer's keys fetched from a VPC that cannot reach it. A deployed stage gets all of these from its
// stage parameters and secrets instead. `npm run dev` never packages, so it is not affected.
'use strict';

/** What serverless.yml reads from the environment whose local value is wrong in the cloud. */
const LOCAL_ONLY = [
  'DATABASE_URL',
  'RABBITMQ_URL',
  'AUTH_KEYS_FROM',
  'RELAY_WAKE',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
];

class LocalSettingsGuard {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:initialize': () => this.refuseLocalSettings() };
  }

  refuseLocalSettings() {
    const set = LOCAL_ONLY.filter((name) => (process.env[name] ?? '') !== '');
    if (set.length === 0) return;
    throw new this.serverless.classes.Error(
      `This shell sets ${set.join(', ')}: local settings, which a packaged function would carry into ` +
        `the cloud. Package from a shell without them (e.g. env -u ${set.join(' -u ')} npx serverless ` +
        'package …); a deployed stage gets its database, broker and endpoints from its stage ' +
        'parameters and secrets (docs/deploying.md).',
    );
  }
}

module.exports = LocalSettingsGuard;
module.exports.LOCAL_ONLY = LOCAL_ONLY;
