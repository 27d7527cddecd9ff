// Drive bare workflows the way the workload drives cases: per case one update-with-start, then its
// updates one after another, with the same number of concurrent users.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import { Latencies } from '../lib/report';
import { bareActionUpdate, bareOpenedUpdate, shapedActionUpdate, shapedOpenedUpdate, type Shape } from './workflows';

export interface BareResult {
  starts: number;
  updates: number;
  wallMs: number;
  latencies: Latencies;
}

/** `plan[i]` is the number of updates case i gets after its start. */
export async function runBare(
  client: Client,
  taskQueue: string,
  plan: number[],
  concurrency: number,
  /** Run bench/bare/shaped.ts with these shapes instead of the no-op workflow. */
  shapes?: Shape[],
): Promise<BareResult> {
  const padding = shapes?.includes('result') ? 'y'.repeat(5000) : undefined;
  const latencies = new Latencies();
  const run = randomUUID().slice(0, 8);
  let next = 0;
  let updates = 0;
  const started = performance.now();
  const virtualUser = async () => {
    for (let i = next++; i < plan.length; i = next++) {
      const workflowId = `bare-${run}-${i}`;
      const t0 = performance.now();
      const options = { workflowId, taskQueue, workflowIdConflictPolicy: 'FAIL' as const };
      if (shapes) {
        const start = new WithStartWorkflowOperation('shapedWorkflow', { ...options, args: [{ shapes, padding }] });
        await client.workflow.executeUpdateWithStart(shapedOpenedUpdate, { startWorkflowOperation: start });
      } else {
        const start = new WithStartWorkflowOperation('bareWorkflow', { ...options, args: [] });
        await client.workflow.executeUpdateWithStart(bareOpenedUpdate, { startWorkflowOperation: start });
      }
      latencies.record('start', performance.now() - t0);
      const handle = client.workflow.getHandle(workflowId);
      const n = plan[i]!;
      for (let u = 0; u < n; u += 1) {
        const t1 = performance.now();
        await handle.executeUpdate(shapes ? shapedActionUpdate : bareActionUpdate, { args: [{ last: u === n - 1 }] });
        latencies.record('update', performance.now() - t1);
        updates += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, virtualUser));
  return { starts: plan.length, updates, wallMs: performance.now() - started, latencies };
}
