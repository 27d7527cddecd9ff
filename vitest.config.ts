import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The Temporal native module crashes in worker threads; forks are safe.
    pool: 'forks',
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/quiet-runtime.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two groups: everything but the browser tests first, two files at a time; then the browser tests
    // one file at a time, so Chromium never competes with another file's Temporal and PostgreSQL for
    // the box's cores (on a 2-core machine that starved modal dialogs past their 30 s waits).
    projects: [
      {
        extends: true,
        test: {
          name: 'core',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/e2e/**'],
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
