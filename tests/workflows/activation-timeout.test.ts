import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createWorker } from '../../worker/create-worker';
import { createDevEnvironment } from '../support/temporal';

/*
 * Workflow code runs without the SDK's per-call watchdog thread unless WORKFLOW_ACTIVATION_TIMEOUT_MS
 * asks for it (worker/create-worker.ts): off, a long synchronous computation finishes; on, the
 * workflow task running it fails with the timeout and is retried, and the worker stays up.
 */
const ITERATIONS = 300_000_000;

describe('WORKFLOW_ACTIVATION_TIMEOUT_MS', () => {
  let env: TestWorkflowEnvironment;
  let bundle: WorkflowBundleWithSourceMap;

  beforeAll(async () => {
    [env, bundle] = await Promise.all([
      createDevEnvironment(),
      bundleWorkflowCode({
        workflowsPath: fileURLToPath(new URL('../fixtures/workflows/busy-loop.ts', import.meta.url)),
        logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
      }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await env?.teardown();
  });

  async function runWith(activationTimeoutMs: number | undefined) {
    const taskQueue = `busy-${randomUUID()}`;
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: {} as never,
      workflowBundle: bundle,
      activationTimeoutMs,
    });
    return worker.runUntil(async () => {
      const handle = await env.client.workflow.start('busyLoopWorkflow', {
        taskQueue,
        workflowId: `busy-${randomUUID()}`,
        args: [ITERATIONS],
      });
      const result = handle.result().then((value) => ({ value }));
      const failuresNow = async () =>
        ((await handle.fetchHistory()).events ?? [])
          .map((e) => e.workflowTaskFailedEventAttributes?.failure?.message)
          .filter((m): m is string => typeof m === 'string');
      // The result, or the first failed workflow task (then the case would retry it forever).
      let outcome: { value: number } | null = null;
      let failures: string[] = [];
      for (let waited = 0; waited < 30_000 && !outcome && failures.length === 0; waited += 250) {
        outcome = await Promise.race([result, new Promise<null>((r) => setTimeout(() => r(null), 250))]);
        failures = await failuresNow();
      }
      if (!outcome) await handle.terminate('test over');
      return { outcome, failures };
    });
  }

  it('is off unless set', () => {
    expect(loadConfig({}).temporal.activationTimeoutMs).toBeUndefined();
    expect(loadConfig({ WORKFLOW_ACTIVATION_TIMEOUT_MS: '200' }).temporal.activationTimeoutMs).toBe(200);
  });

  it('lets a long computation finish without the guard, and fails its workflow task with it', async () => {
    const off = await runWith(undefined);
    expect(off.outcome).not.toBeNull();
    expect(off.failures).toEqual([]);

    const on = await runWith(20);
    expect(on.outcome).toBeNull();
    expect(on.failures.length).toBeGreaterThan(0);
    expect(on.failures[0]).toMatch(/timed out/i);
  }, 90_000);
});
