import type { Server } from 'node:http';
import type { Client } from '@temporalio/client';
import express, { type Express } from 'express';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createApp } from '../api/app';
import { createAuthenticator } from '../api/auth';
import { problemHandler } from '../api/problem';
import { serveMetrics } from '../api/routes/system';
import { metricsGuard } from '../api/security';
import type { Config } from '../config';
import type { Database } from '../db';

/** Build the app with its dependencies and listen; resolves once the port is open. */
export async function startApiServer(config: Config, database: Database, temporal: Client, logger: Logger): Promise<Server> {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const app = createApp({ config, database, temporal, auth: await createAuthenticator(config), logger, metrics });
  const server = await listen(app, config.http.port, config.http.host);
  if (config.metrics.port) {
    // A separate listener (e.g. on an internal interface) for Prometheus only: open there unless a token is set too.
    const metricsApp = express();
    metricsApp.disable('x-powered-by');
    metricsApp.get('/metrics', metricsGuard({ ...config.metrics, public: true }), serveMetrics({ metrics }));
    metricsApp.use(problemHandler);
    const metricsServer = await listen(metricsApp, config.metrics.port, config.metrics.host);
    server.on('close', () => metricsServer.close());
  }
  return server;
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.on('error', reject);
  });
}
