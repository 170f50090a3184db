import { defineConfig } from 'vitest/config';

// Test tiers by file suffix: *.test.ts is pure logic, *.int.test.ts talks to the real PostgreSQL and
// RabbitMQ, *.chaos.test.ts proves behaviour under faults and hostile input, *.cloud.test.ts runs the
// packaged artifact of a cloud stage as Lambda runs it, *.e2e.test.ts drives the HTTP API of
// `npm run dev`, *.security.test.ts plays an attacker against each defence (tests/security).
// Metrics are EMF lines on stdout, for CloudWatch: in tests they would be noise (a test that checks
// them turns them on for itself). The cloud tier's functions get their template's environment; the
// end-to-end tests leave `npm run dev` to its own default (off unless --verbose), which they check.
const env = { POWERTOOLS_METRICS_DISABLED: 'true' };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          env,
          include: ['{functions,infra,events,client}/**/*.test.ts', 'tests/support/**/*.test.ts'],
          exclude: ['**/*.int.test.ts', '**/*.e2e.test.ts', '**/node_modules/**'],
          // `npm test` runs this tier beside the integration tier and the type check on two cores: a
          // property test that takes 1 s alone took over 5 s (the default) under that load
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          env,
          include: ['{functions,infra,events,client}/**/*.int.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // integration files share one PostgreSQL cluster and one broker; serial runs keep the
          // concurrency tests' numbers honest on two cores
          fileParallelism: false,
        },
      },
      {
        test: {
          // faults and hostile input; `npm test` runs it short (CHAOS_PROFILE=short)
          name: 'chaos',
          env,
          include: ['tests/chaos/**/*.chaos.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // the packaged artifact of a cloud stage, run as Lambda runs it (tests/cloud/support)
          name: 'cloud',
          env,
          include: ['tests/cloud/**/*.cloud.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // one test per attack: the public surface, credentials, tokens, limits and IAM
          name: 'security',
          env,
          include: ['tests/security/**/*.security.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // each file's stack has its own database, vhost, ports, store and work folders
          // (tests/support/devStack.ts): side by side, they wait on one another's start-up less
          maxWorkers: 2,
        },
      },
    ],
  },
});
