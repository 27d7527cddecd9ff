import { createServer, type RequestListener, type Server } from 'node:http';
import type { Client } from '@temporalio/client';
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from 'pino';
import { createApp, createMetricsApp } from '../api/app';
import { createAuthenticator } from '../api/auth';
import type { Config } from '../config';
import type { Database } from '../db';
import { loadAuditKey } from './audit-key';
import { loadPayloadCodec } from './payload-codec';

/**
 * Listen with the configured header and request timeouts: a client that sends its headers or its
 * body too slowly is cut off (408) rather than holding a connection. Node checks the timeouts
 * every `connectionsCheckingInterval` (30 s by default), so that interval follows the shorter one.
 */
export function listenHttp(handler: RequestListener, http: Config['http']): Promise<Server> {
  const server = createServer(
    {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(http.headersTimeoutMs / 4))),
    },
    handler,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(http.port, http.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/**
 * Wire the API process: build the app's dependencies (authenticator, metrics registry, audit key,
 * payload codec), hand them to the app that api/app.ts assembles, and listen; resolves once the
 * port is open.
 */
export async function startApiServer(
  config: Config,
  database: Database,
  temporal: Client,
  logger: Logger,
): Promise<Server> {
  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics });
  const app = createApp({
    config,
    database,
    temporal,
    auth: await createAuthenticator(config),
    logger,
    metrics,
    auditKey: loadAuditKey(config.audit),
    payloadCodec: loadPayloadCodec(config.temporal.codec),
  });
  const server = await listenHttp(app, config.http);
  if (config.metrics.port) {
    // A separate listener for Prometheus only (api/app.ts createMetricsApp).
    const metricsServer = await listenHttp(createMetricsApp({ config, metrics }), {
      ...config.http,
      port: config.metrics.port,
      host: config.metrics.host,
    });
    server.on('close', () => metricsServer.close());
  }
  return server;
}
