// `npm start`: the whole system on one machine with embedded defaults — Temporal dev server,
// embedded PostgreSQL, migrations, demo seed, worker and API — all under the data folder so a
// restart keeps every case. Ctrl-C stops everything cleanly.
import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { ConfigError, devServerSqliteArgs, loadConfig } from '../config';
import { openDatabase, runMigrations, type Database } from '../db';
import { seedDemoCounty, seedNationalCalendar } from '../db/seed/seed';
import { startApiServer } from '../runtime/api-server';
import { loadAuditKey } from '../runtime/audit-key';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../runtime/embedded-postgres';
import { createLogger } from '../runtime/logger';
import { connectClient, connectWorker } from '../runtime/temporal-connection';
import { resolveTemporalBinary } from '../runtime/temporal-binaries';
import { ensureAssessmentSchedules } from '../worker/assessment-schedules';
import { createConfiguredWorker } from '../worker/create-worker';
import { ensureNoticeDelivery } from '../worker/notice-delivery';

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const step = (zh: string, en: string) => console.log(`[start] ${zh} / ${en} (${elapsed()})`);

async function main(): Promise<void> {
  const config = loadConfig(undefined, { embedded: true });
  const logger = createLogger(config, 'township');
  mkdirSync(config.dataDir, { recursive: true });
  Runtime.install({ logger: new DefaultLogger('WARN'), shutdownSignals: [] });
  const stops: (() => Promise<unknown>)[] = [];

  let pg: EmbeddedPostgresHandle | undefined;
  let dbUrl = config.db.url;
  if (!dbUrl) {
    pg = await startEmbeddedPostgres({
      dir: config.db.embeddedDir,
      port: config.db.embeddedPort,
      database: 'township',
    });
    stops.unshift(() => pg!.stop());
    dbUrl = pg.url;
    step('内置 PostgreSQL 已启动', 'embedded PostgreSQL up');
  }
  const database: Database = openDatabase(dbUrl);
  stops.unshift(() => database.close());
  await runMigrations(database.db);
  if (config.demoData) {
    const { inserted } = await seedDemoCounty(database.db);
    step(
      `数据库已迁移，演示数据新增 ${inserted.orgUnits} 个单位、${inserted.users} 个用户`,
      `migrated; seeded ${inserted.orgUnits} units, ${inserted.users} users`,
    );
  } else {
    await seedNationalCalendar(database.db);
    step('数据库已迁移（不加载演示数据）', 'migrated (no demo data)');
  }

  let address = config.temporal.address;
  if (!address) {
    const { executable, source } = resolveTemporalBinary('temporal', {
      explicitPath: config.temporal.cliPath,
      systemPath: config.systemPath,
    });
    const dev = await TestWorkflowEnvironment.createLocal({
      server: {
        executable,
        dbFilename: config.temporal.devDbFile,
        port: config.temporal.devPort,
        ui: true,
        uiPort: config.temporal.uiPort,
        namespace: config.temporal.namespace,
        extraArgs: devServerSqliteArgs(config.temporal.devSqlitePragmas),
      },
    });
    stops.unshift(() => dev.teardown());
    address = `127.0.0.1:${config.temporal.devPort}`;
    step(`Temporal 开发服务器已启动（${source}）`, `Temporal dev server up (${source})`);
  }

  const client = await connectClient(config.temporal, address);
  stops.unshift(() => client.connection.close());
  const workerConnection = await connectWorker(config.temporal, address);
  const worker = await createConfiguredWorker(config, {
    connection: workerConnection,
    activities: createActivities({ db: database.db, temporal: client, auditKey: loadAuditKey(config.audit) }),
  });
  const running = worker.run();
  stops.unshift(async () => {
    worker.shutdown();
    await running;
    await workerConnection.close();
  });
  step('Worker 已启动', 'worker running');

  await ensureAssessmentSchedules(client, database.db, {
    taskQueue: config.temporal.taskQueue,
    calendarFallback: config.calendarFallback,
  });
  await ensureNoticeDelivery(client, config.temporal.taskQueue);
  const server: Server = await startApiServer(config, database, client, logger);
  stops.unshift(() => new Promise((resolve) => server.close(resolve)));

  const base = `http://localhost:${config.http.port}`;
  console.log(`
乡镇治理案件办理引擎已启动 / Township case engine is up in ${elapsed()}
  控制台 / console          ${base}/
  API                     ${base}/api/v1
  API 文档 / docs          ${base}/docs
  OpenAPI                 ${base}/openapi.json
  就绪检查 / readiness      ${base}/readyz
  指标 / metrics            ${base}/metrics
  Temporal UI             ${config.temporal.address ? '(external Temporal)' : `http://localhost:${config.temporal.uiPort}`}
  数据目录 / data           ${config.dataDir}
  ${config.auth.devLogin ? `演示登录 / demo login      curl -X POST ${base}/api/v1/auth/dev-login -H 'content-type: application/json' -d '{"username":"t01.supervisor"}'` : `登录 / sign in            ${config.auth.oidc ? `统一身份认证 ${config.auth.issuer}` : '（未配置登录方式 / no sign-in method configured）'}`}
按 Ctrl-C 停止 / press Ctrl-C to stop
`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n[start] 收到 ${signal}，正在停止… / stopping…`);
    for (const stop of stops) {
      await stop().catch((err: unknown) => console.error('[start] stop failed:', err));
    }
    console.log('[start] 已停止 / stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await running;
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
