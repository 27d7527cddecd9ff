import { sql } from 'drizzle-orm';
import type { Express, RequestHandler } from 'express';
import type { AppDeps } from '../deps';
import { metricsGuard } from '../security';

async function check(
  name: string,
  probe: () => Promise<unknown>,
  timeoutMs = 2000,
): Promise<{ name: string; ok: boolean; error?: string }> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    return { name, ok: true };
  } catch (err) {
    return { name, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/** Health (process is up), readiness (PostgreSQL and Temporal answer) and Prometheus metrics. */
export function registerSystemRoutes(app: Express, deps: AppDeps): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      check('postgres', () => deps.database.db.execute(sql`select 1`)),
      check('temporal', () => deps.temporal.connection.workflowService.getSystemInfo({})),
    ]);
    const ok = checks.every((c) => c.ok);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'not-ready', checks });
  });
  // With a separate metrics listener (METRICS_PORT) the public port does not serve them at all.
  const metrics = deps.config.metrics;
  app.get('/metrics', metricsGuard(metrics.port ? { public: false, host: metrics.host } : metrics), serveMetrics(deps));
}

/** Prometheus text of the process's registry. */
export function serveMetrics(deps: Pick<AppDeps, 'metrics'>): RequestHandler {
  return async (_req, res) => {
    res.type(deps.metrics.contentType).send(await deps.metrics.metrics());
  };
}

/** Interactive API docs from the locally installed swagger-ui (no CDN: these machines are offline). */
export function docsPage(): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8" />
  <title>API 文档 · 乡镇治理案件办理引擎</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;
}

/** The docs page's start script, served as a file: the CSP allows no inline script. */
export const DOCS_INIT_SCRIPT =
  "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', persistAuthorization: true });\n";
