// Drive bare workflows the way the workload drives cases: per case one update-with-start, then its
// updates one after another, with the same number of concurrent users.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, Connection, WithStartWorkflowOperation } from '@temporalio/client';
import type { SystemUnderTest } from '../lib/system';
import { Latencies } from '../lib/report';
import { bareActionUpdate, bareOpenedUpdate, shapedActionUpdate, shapedOpenedUpdate, type Shape } from './workflows';

export interface BareResult {
  starts: number;
  updates: number;
  wallMs: number;
  latencies: Latencies;
}

/** Start the bare worker (bench/bare/worker-main.ts) on `queue` beside `sys`, and a client to drive it. */
export async function startBare(sys: SystemUnderTest, queue: string) {
  const worker = await sys.spawnChild(
    'bare-worker',
    'bench/bare/worker-main.ts',
    { TEMPORAL_TASK_QUEUE: queue },
    /bare worker ready/,
  );
  const client = new Client({
    connection: await Connection.connect({ address: sys.temporalAddress }),
    namespace: sys.namespace,
  });
  return { worker, client };
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
