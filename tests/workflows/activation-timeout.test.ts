import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { Client } from '@temporalio/client';
import { temporalDataConverter } from '../../runtime/temporal-connection';
import { createConfiguredWorker } from '../../worker/create-worker';
import { createDevEnvironment } from '../support/temporal';

/*
 * Workflow code runs without the SDK's per-call watchdog thread unless WORKFLOW_ACTIVATION_TIMEOUT_MS
 * asks for it (worker/create-worker.ts): off, a long synchronous computation finishes; on, the
 * workflow task running it fails with the timeout and is retried, and the worker stays up. The
 * worker is built from the configuration as `npm start` and the worker entrypoint build it
 * (`createConfiguredWorker`; `npm start` once left the setting out).
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

  async function runWith(settings: Record<string, string>) {
    const taskQueue = `busy-${randomUUID()}`;
    const config = loadConfig({
      ...settings,
      TEMPORAL_TASK_QUEUE: taskQueue,
      TEMPORAL_CODEC_KEYS: `t:${'ab'.repeat(32)}`,
    });
    const worker = await createConfiguredWorker(config, {
      connection: env.nativeConnection,
      activities: {} as never,
      workflowBundle: bundle,
    });
    // Pollers as worker/create-worker.ts sets them: 8 on the sticky queue, 8 on the task queue.
    expect(worker.options.workflowTaskPollerBehavior).toMatchObject({ type: 'simple-maximum', maximum: 16 });
    expect(worker.options.nonStickyToStickyPollRatio).toBe(0.5);
    const client = new Client({ connection: env.connection, dataConverter: temporalDataConverter(config.temporal) });
    return worker.runUntil(async () => {
      const handle = await client.workflow.start('busyLoopWorkflow', {
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
    const off = await runWith({});
    expect(off.outcome).not.toBeNull();
    expect(off.failures).toEqual([]);

    const on = await runWith({ WORKFLOW_ACTIVATION_TIMEOUT_MS: '20' });
    expect(on.outcome).toBeNull();
    expect(on.failures.length).toBeGreaterThan(0);
    expect(on.failures[0]).toMatch(/timed out/i);
  }, 90_000);
});
