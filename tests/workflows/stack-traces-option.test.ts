import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { bundleWorkflows } from '../../worker/create-worker';

/*
 * The workflow sandbox captures no stack frames by default (workflows/shared/sandbox-setup.ts, see
 * tests/workflows/sandbox-stack-limit.test.ts); `WORKFLOW_STACK_TRACES=true` bundles the workflows
 * without that setup, so an operator can read where a stuck case waits.
 */
describe('WORKFLOW_STACK_TRACES', () => {
  it('is off unless set, and then bundles the workflows without the no-frames setup', async () => {
    expect(loadConfig({}).temporal.workflowStackTraces).toBe(false);
    const on = loadConfig({ WORKFLOW_STACK_TRACES: 'true' }).temporal.workflowStackTraces;
    expect(on).toBe(true);
    const [plain, withStacks] = await Promise.all([bundleWorkflows(), bundleWorkflows({ stackTraces: on })]);
    expect(plain.code).toMatch(/Error\.stackTraceLimit = 0/);
    expect(withStacks.code).not.toMatch(/Error\.stackTraceLimit = 0/);
  }, 120_000);
});
