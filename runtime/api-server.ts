import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { createAuthenticator } from '../api/auth';
import type { Config } from '../config';
import type { Database } from '../db';
import { loadAuditKey } from './audit-key';

/** Build the app with its dependencies and listen; resolves once the port is open. */
export async function startApiServer(config: Config, database: Database, temporal: Client, logger: Logger): Promise<Server> {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const app = createApp({ config, database, temporal, auth: await createAuthenticator(config), logger, metrics, auditKey: loadAuditKey(config.audit) });
  return new Promise((resolve, reject) => {
    const server = app.listen(config.http.port, config.http.host, () => resolve(server));
    server.on('error', reject);
  });
}
