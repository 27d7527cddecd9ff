// The bare worker process: only bench/bare/workflows.ts, a no-op activity, no database.
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../../config';

const config = loadConfig();
if (!config.temporal.address) throw new Error('TEMPORAL_ADDRESS is required');
Runtime.install({ logger: new DefaultLogger('WARN') });
const connection = await NativeConnection.connect({ address: config.temporal.address });
const worker = await Worker.create({
  connection,
  namespace: config.temporal.namespace,
  taskQueue: config.temporal.taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  // The no-op local activity of bench/bare/shaped.ts.
  activities: { noop: async (seq: number) => seq },
});
console.log('bare worker ready');
await worker.run();
await connection.close();
