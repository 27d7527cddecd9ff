// Production API entrypoint: configured entirely by environment (see README), no embedded services.
import { ConfigError, loadConfig } from '../config';
import { openDatabase } from '../db';
import { startApiServer } from '../runtime/api-server';
import { createLogger } from '../runtime/logger';
import { enableStageTiming } from '../runtime/stage-timing';
import { connectClient } from '../runtime/temporal-connection';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config, 'api');
  if (config.stageTimingFile) enableStageTiming(config.stageTimingFile);
  if (!config.db.url || !config.temporal.address) {
    throw new ConfigError([
      'DATABASE_URL and TEMPORAL_ADDRESS are required for the API entrypoint (API 独立进程需要配置数据库与 Temporal 地址); use `npm start` for the embedded default',
    ]);
  }
  const database = openDatabase(config.db.url);
  const temporal = await connectClient(config.temporal, config.temporal.address);
  const server = await startApiServer(config, database, temporal, logger);
  logger.info({ port: config.http.port }, 'API listening');
  const stop = async () => {
    server.close();
    await temporal.connection.close();
    await database.close();
    process.exit(0);
  };
  const onSignal = () => {
    stop().catch((err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
