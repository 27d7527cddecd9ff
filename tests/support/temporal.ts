import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalBinary } from '../../runtime/temporal-binaries';

/**
 * A real Temporal dev server (the `temporal` CLI), one per test file; in memory unless `server`
 * names a database file (and its options).
 */
export function createDevEnvironment(
  server: { dbFilename?: string; extraArgs?: string[] } = {},
): Promise<TestWorkflowEnvironment> {
  const { executable } = resolveTemporalBinary('temporal', {
    explicitPath: process.env.TEMPORAL_CLI_PATH,
    systemPath: process.env.PATH,
  });
  return TestWorkflowEnvironment.createLocal({ server: { executable, ...server } });
}

/** The real time-skipping test server, for timer paths (it does not skip while an Update is pending). */
export function createTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  const { executable } = resolveTemporalBinary('temporal-test-server', {
    explicitPath: process.env.TEMPORAL_TEST_SERVER_PATH,
    systemPath: process.env.PATH,
  });
  return TestWorkflowEnvironment.createTimeSkipping({ server: { executable } });
}
