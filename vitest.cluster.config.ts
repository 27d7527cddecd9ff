import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: against the production topology of `npm run cluster` (scripts/cluster.ts),
// the running one or one the test starts. Not part of `npm test` (vitest.config.ts only takes *.test.ts).
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['tests/cluster/**/*.cluster.ts'],
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30 * 60_000,
    // A first run builds the Temporal server (10–25 min) before the cluster starts.
    hookTimeout: 45 * 60_000,
  },
});
