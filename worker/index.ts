// Production worker entrypoint: configured entirely by environment (see README).
import { createActivities } from '../activities';
import { ConfigError, loadConfig } from '../config';
import { openDatabase, runMigrations } from '../db';
import { seedNationalCalendar } from '../db/seed/seed';
import { loadAuditKey } from '../runtime/audit-key';
import { createLogger } from '../runtime/logger';
import { connectClient, connectWorker } from '../runtime/temporal-connection';
import { syncAssessmentSchedules } from './assessment-schedules';
import { Runtime } from '@temporalio/worker';
import { enableStageTiming } from '../runtime/stage-timing';
import { createConfiguredWorker, workerRuntimeOptions } from './create-worker';
import { ensureNoticeDelivery } from './notice-delivery';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, 'worker');
  if (config.workerMetricsAddress || config.stageTimingFile) Runtime.install(workerRuntimeOptions(config));
  if (config.stageTimingFile) enableStageTiming(config.stageTimingFile);
  if (!config.db.url || !config.temporal.address) {
    throw new ConfigError([
      'DATABASE_URL and TEMPORAL_ADDRESS are required for the worker entrypoint (Worker 独立进程需要配置数据库与 Temporal 地址)',
    ]);
  }
  const database = openDatabase(config.db.url, { genericPlans: true });
  // The worker owns the schema: it migrates and loads the national holiday calendar before it
  // processes anything (never the demo county).
  await runMigrations(database.db);
  await seedNationalCalendar(database.db);
  const connection = await connectWorker(config.temporal, config.temporal.address);
  // The activities' client (the calendar fan-out signals live cases with it).
  const client = await connectClient(config.temporal, config.temporal.address);
  const worker = await createConfiguredWorker(config, {
    connection,
    activities: createActivities({ db: database.db, temporal: client, auditKey: loadAuditKey(config.audit) }),
  });
  await syncAssessmentSchedules(config, config.temporal.address, database.db);
  await ensureNoticeDelivery(client, config.temporal.taskQueue);
  logger.info({ taskQueue: config.temporal.taskQueue }, 'worker running');
  await worker.run();
  await client.connection.close();
  await connection.close();
  await database.close();
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
