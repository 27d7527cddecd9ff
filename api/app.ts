import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { pinoHttp } from 'pino-http';
import { Counter, Histogram } from 'prom-client';
import swaggerUi from 'swagger-ui-dist';
import { bodyLimits } from './body-limits';
import { codecRouter } from './codec';
import { auditRefusals } from './access-audit';
import type { AppDeps } from './deps';
import { oidcRouter } from './oidc';
import { IMMUTABLE, precompressedAssets } from './precompressed';
import { Problem, problemHandler } from './problem';
import { ApiRoutes } from './route';
import { registerAccessAuditRoutes } from './routes/access-audit';
import { registerApprovalRoutes } from './routes/approvals';
import { registerAttachmentRoutes } from './routes/attachments';
import { registerAuditRoutes } from './routes/audit';
import { registerAdminAuditRoutes } from './routes/admin-audit';
import { registerNoticeDeliveryRoutes } from './routes/notice-deliveries';
import { registerAuthRoutes } from './routes/auth';
import { registerCaseRoutes } from './routes/cases';
import { registerCatalogueRoutes } from './routes/catalogue';
import { registerOrgRoutes } from './routes/org';
import { registerCalendarRoutes } from './routes/calendar';
import { registerCalendarRecomputeRoutes } from './routes/calendar-recomputes';
import { registerCalendarStatusRoutes } from './routes/calendar-status';
import { registerTaskRoutes } from './routes/tasks';
import { registerIncidentRoutes } from './routes/incidents';
import { registerIncidentConfigRoutes } from './routes/incident-config';
import { registerAssessmentRoutes } from './routes/assessment';
import { registerAssessmentSchemeRoutes } from './routes/assessment-schemes';
import { registerSummonsRoutes } from './routes/summons';
import { registerSummonsConfigRoutes } from './routes/summons-config';
import { registerBoardRoutes } from './routes/board';
import { registerImportRoutes } from './routes/import';
import { registerPayrollRoutes } from './routes/payroll';
import { registerSecondmentRoutes } from './routes/secondments';
import { docsPage, DOCS_INIT_SCRIPT, registerSystemRoutes, serveMetrics } from './routes/system';
import { createRateLimiters, metricsGuard, noStore, requestId, securityHeaders } from './security';

/**
 * Build the OpenAPI registry with every route; shared by the app and `bench/fault/route-access.ts`.
 * Dev login is only built when it is on (documentation tools see it by default).
 */
export function buildRoutes(opts: { devLogin: boolean } = { devLogin: true }): {
  routes: ApiRoutes;
  registry: OpenAPIRegistry;
} {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  const routes = new ApiRoutes(registry);
  registerAuthRoutes(routes, opts);
  registerOrgRoutes(routes);
  registerCalendarRoutes(routes);
  registerCalendarRecomputeRoutes(routes);
  registerCalendarStatusRoutes(routes);
  registerCatalogueRoutes(routes);
  registerCaseRoutes(routes);
  registerAttachmentRoutes(routes);
  registerTaskRoutes(routes);
  registerApprovalRoutes(routes);
  registerIncidentRoutes(routes);
  registerIncidentConfigRoutes(routes);
  registerAssessmentSchemeRoutes(routes);
  registerAssessmentRoutes(routes);
  registerSummonsRoutes(routes);
  registerSummonsConfigRoutes(routes);
  registerBoardRoutes(routes);
  registerSecondmentRoutes(routes);
  registerPayrollRoutes(routes);
  registerAuditRoutes(routes);
  registerAdminAuditRoutes(routes);
  registerAccessAuditRoutes(routes);
  registerNoticeDeliveryRoutes(routes);
  registerImportRoutes(routes);
  return { routes, registry };
}

export function openApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: '乡镇治理案件办理引擎 API / Township case-handling engine API',
      version: '1.0.0',
      description:
        '审批、四级事件处置、吹哨报到、双向考核。错误均为 RFC 9457 problem+json，含中英文信息。\n\nApprovals, four-level incidents, whistle-and-report summons and two-way assessment. Every error is RFC 9457 problem+json with Chinese and English messages.',
    },
    servers: [{ url: '/' }],
  });
}

/** The Express app; `api/index.ts` and `scripts/start.ts` only make it listen. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.set('query parser', 'simple');

  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [deps.metrics],
  });
  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: requestId,
      // Who made the request, once the token is verified (the completion line is written after it).
      customProps: (req) => {
        const principal = (req as express.Request).principal;
        return principal ? { userId: principal.userId } : {};
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      // Compact request lines; never log credentials.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      redact: ['req.headers.authorization'],
    }),
  );
  app.use((req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () =>
      end({ method: req.method, route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }),
    );
    next();
  });
  app.use(auditRefusals(deps.database.db));
  app.use(securityHeaders());
  const limits = createRateLimiters(deps.config.rateLimits);
  app.use('/api/v1', noStore, limits.authFailuresPerIp);
  app.use('/api/v1/auth', limits.authPerIp);

  const { routes, registry } = buildRoutes({ devLogin: deps.config.auth.devLogin });
  const document = openApiDocument(registry);
  registerSystemRoutes(app, deps);
  app.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  app.use('/docs/assets', express.static(swaggerUi.getAbsoluteFSPath(), { index: false }));
  app.get('/docs', (_req, res) => {
    res.type('html').send(docsPage());
  });
  app.get('/docs/init.js', (_req, res) => {
    res.type('text/javascript').send(DOCS_INIT_SCRIPT);
  });
  if (deps.auth.publicJwks) {
    const jwks = deps.auth.publicJwks;
    app.get('/.well-known/jwks.json', (_req, res) => {
      res.json(jwks);
    });
  }

  if (deps.payloadCodec) app.use('/codec', noStore, limits.authFailuresPerIp, codecRouter(deps, deps.payloadCodec));
  if (deps.auth.oidc) app.use('/api/v1/auth/oidc', oidcRouter(deps));
  const v1 = express.Router();
  // A body is parsed (and its size, depth and keys checked) only on routes that take one.
  routes.mount(v1, deps, {
    authenticated: limits.writesPerUser,
    jsonBody: [
      express.json({ limit: deps.config.http.body.limitBytes, strict: true }),
      bodyLimits(deps.config.http.body),
    ],
  });
  app.use('/api/v1', v1);
  serveConsole(app);
  app.use((req, _res, next) => {
    next(
      new Problem(
        'notFound',
        { zh: `没有这个接口：${req.method} ${req.path}`, en: `No such endpoint: ${req.method} ${req.path}` },
        { code: 'no-route' },
      ),
    );
  });
  app.use(countUnstorable(deps));
  app.use(problemHandler);
  return app;
}

/**
 * The Prometheus-only app for a separate listener (e.g. on an internal interface): open there
 * unless a metrics token is set too.
 */
export function createMetricsApp(deps: Pick<AppDeps, 'config' | 'metrics'>): Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsGuard({ ...deps.config.metrics, public: true }), serveMetrics(deps));
  app.use(problemHandler);
  return app;
}

/**
 * Count (and log) what was refused because it could not be stored: text refused at the request
 * boundary, and actions or starts whose transition the projection rejected (the workflow undid them).
 */
function countUnstorable(deps: AppDeps): ErrorRequestHandler {
  const refused = new Counter({
    name: 'unstorable_input_refused_total',
    help: 'Requests refused because their data cannot be stored: at the request boundary (request) or by the projection, the action undone (projection)',
    labelNames: ['stage'] as const,
    registers: [deps.metrics],
  });
  return (err, req, _res, next) => {
    const code = err instanceof Problem ? err.extra.code : undefined;
    if (code === 'ill-formed-text' || code === 'nul-character') refused.inc({ stage: 'request' });
    if (code === 'action-not-recordable') {
      refused.inc({ stage: 'projection' });
      req.log?.error({ err, code }, 'action undone: its transition cannot be stored');
    }
    next(err);
  };
}

// ── Web console ─────────────────────────────────────────────────────────────────────────────────
// The built console (web/dist, made by `vite build web`; scripts/bootstrap.mjs builds it before
// start and test) is served at `/`. Any other GET without a file extension outside /api/ gets
// index.html so the console's own routes (/cases/RW-…) survive a reload; /api/* and missing assets
// still fall through to the problem+json 404.
const CONSOLE_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

function serveConsole(app: Express): void {
  const index = `${CONSOLE_DIR}/index.html`;
  if (!existsSync(index)) return;
  // Hashed assets go out as the build's .br/.gz files when the browser takes them.
  app.use(precompressedAssets(CONSOLE_DIR));
  app.use(
    express.static(CONSOLE_DIR, {
      index: false,
      setHeaders: (res, file) => res.setHeader('cache-control', file.includes('/assets/') ? IMMUTABLE : 'no-cache'),
    }),
  );
  app.use((req, res, next) => {
    const page =
      (req.method === 'GET' || req.method === 'HEAD') && !/^\/api(\/|$)/.test(req.path) && !/\.[^/]*$/.test(req.path);
    if (!page) return next();
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(index);
  });
}
