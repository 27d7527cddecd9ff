// The worker process of the system under test. Like worker/index.ts (the production entrypoint),
// but it reuses the cached workflow bundle so that a SIGKILLed worker is back in a second instead
// of re-bundling, and it prints `worker ready` for the harness (bench/lib/system.ts).
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { loadConfig } from '../../config';
import { openDatabase } from '../../db';
import { loadAuditKey } from '../../runtime/audit-key';
import { connectClient, connectWorker } from '../../runtime/temporal-connection';
import { enableStageTiming } from '../../runtime/stage-timing';
import { cachedWorkflowBundle, createConfiguredWorker, workerRuntimeOptions } from '../../worker/create-worker';

const config = loadConfig();
if (!config.db.url || !config.temporal.address) throw new Error('DATABASE_URL and TEMPORAL_ADDRESS are required');
Runtime.install({ logger: new DefaultLogger('WARN'), ...workerRuntimeOptions(config) });
if (config.stageTimingFile) enableStageTiming(config.stageTimingFile);
const database = openDatabase(config.db.url, { genericPlans: true });
const connection = await connectWorker(config.temporal, config.temporal.address);
const client = await connectClient(config.temporal, config.temporal.address);
const worker = await createConfiguredWorker(config, {
  connection,
  activities: createActivities({ db: database.db, temporal: client, auditKey: loadAuditKey(config.audit) }),
  // Kept across bench runs (the key is a hash of every source the bundle depends on), outside the user's data folder.
  workflowBundle: await cachedWorkflowBundle(
    fileURLToPath(new URL('../../node_modules/.cache/township-bench', import.meta.url)),
    { stackTraces: config.temporal.workflowStackTraces },
  ),
});
console.log('worker ready');
await worker.run();
await client.connection.close();
await connection.close();
await database.close();
