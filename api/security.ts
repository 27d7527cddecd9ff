import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, MemoryStore, rateLimit, type Options } from 'express-rate-limit';
import helmet from 'helmet';
import type { Config } from '../config';
import { Problem } from './problem';

/**
 * Response headers for the console (React + antd + ECharts built by Vite), the Swagger UI at /docs
 * and the API. Scripts only from our own origin (no inline script anywhere: /docs loads its start
 * script as a file); inline styles are allowed because antd's CSS-in-JS inserts <style> elements
 * and ECharts and rc-components set style attributes; no framing at all (clickjacking);
 * `upgrade-insecure-requests` is left out so a county LAN served over plain HTTP keeps working (TLS
 * is the reverse proxy's job, and HSTS is ignored over HTTP).
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        objectSrc: ["'none'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        workerSrc: ["'self'", 'blob:'],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** API answers are per user and often personal: never stored by a browser or a proxy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('cache-control', 'no-store');
  next();
};

/** A client's `x-request-id` is kept only when it cannot smuggle anything into logs or headers. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** pino-http's `genReqId`: the caller's id when it is safe, otherwise a new UUID; echoed in `x-request-id`. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

function tooMany(windowMs: number, what: { zh: string; en: string }): Options['handler'] {
  return (req, res, next) => {
    const retry = res.getHeader('retry-after') ?? Math.ceil(windowMs / 1000);
    next(
      new Problem(
        'tooManyRequests',
        { zh: `${what.zh}，请 ${String(retry)} 秒后重试`, en: `${what.en}; retry in ${String(retry)} s` },
        { code: 'rate-limited', retryAfterSeconds: Number(retry) },
      ),
    );
  };
}

const common = (windowMs: number) =>
  ({
    windowMs,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
  }) as const;

const off: RequestHandler = (_req, _res, next) => next();

/**
 * Counts requests answered 401 per client address, once answered, and refuses every request from an
 * address past the limit until its window ends. (express-rate-limit's `skipSuccessfulRequests`
 * counts each request when it arrives and takes it back when it succeeds, so requests merely in
 * flight counted as failures: 300 slow requests from one address — a county's reverse proxy, or 500
 * cases driven at once while the worker restarts — were refused as "invalid tokens".)
 */
function refusedTokensPerIp(config: Config['rateLimits'], what: { zh: string; en: string }): RequestHandler {
  const store = new MemoryStore();
  store.init({ windowMs: config.windowMs } as Options);
  const refuse = tooMany(config.windowMs, what);
  return (req, res, next) => {
    const key = ipKeyGenerator(req.ip ?? '');
    void store.get(key).then((seen) => {
      if (seen && seen.totalHits >= config.authFailuresPerIp) {
        const retry = Math.max(1, Math.ceil(((seen.resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000));
        res.setHeader('retry-after', String(retry));
        return refuse(req, res, next, {} as Options);
      }
      res.on('finish', () => {
        if (res.statusCode === 401) void store.increment(key);
      });
      next();
    }, next);
  };
}

export interface RateLimiters {
  /** Every request to /api/v1/auth/* (sign-in), per client IP. */
  authPerIp: RequestHandler;
  /** Requests answered 401 (bad or expired tokens), per client IP; past the limit every request from it is refused until the window ends. */
  authFailuresPerIp: RequestHandler;
  /** Writes (POST, PUT, PATCH, DELETE) per signed-in user, except those answered 5xx; run after authentication (api/route.ts). */
  writesPerUser: (req: Request, res: Response) => Promise<void>;
}

/**
 * In-memory limiters (per API process: behind N API replicas the effective limit is N times the
 * setting). Limits come from config (RATE_LIMIT_*); 0 turns a limiter off. Every refusal is a 429
 * problem+json with `Retry-After`.
 */
export function createRateLimiters(config: Config['rateLimits']): RateLimiters {
  const { windowMs } = config;
  const authPerIp = rateLimit({
    ...common(windowMs),
    limit: config.authPerIp,
    handler: tooMany(windowMs, { zh: '登录请求过于频繁', en: 'Too many sign-in requests from this address' }),
  });
  const authFailuresPerIp = refusedTokensPerIp(config, {
    zh: '无效令牌过多',
    en: 'Too many requests with an invalid token from this address',
  });
  const writes = rateLimit({
    ...common(windowMs),
    limit: config.writesPerUser,
    keyGenerator: (req) => `user:${req.principal?.userId ?? ''}`,
    skip: (req) => !req.principal || req.method === 'GET' || req.method === 'HEAD',
    // A change the system itself could not take (5xx: the database or the engine unavailable) does
    // not use up the clerk's budget, nor does a retry of a change already counted (its
    // Idempotency-Key answered again, or 409 `request-in-progress`): retrying through an outage must
    // not lock them out after it.
    skipFailedRequests: true,
    requestWasSuccessful: (_req, res) =>
      res.statusCode < 500 &&
      res.getHeader('idempotent-replayed') === undefined &&
      res.locals.problemCode !== 'request-in-progress',
    handler: tooMany(windowMs, { zh: '提交过于频繁', en: 'Too many changes by this user' }),
  });
  return {
    authPerIp: config.authPerIp > 0 ? authPerIp : off,
    authFailuresPerIp: config.authFailuresPerIp > 0 ? authFailuresPerIp : off,
    writesPerUser:
      config.writesPerUser > 0
        ? (req, res) =>
            new Promise<void>(
              (resolve, reject) => void writes(req, res, (err?: unknown) => (err ? reject(err as Error) : resolve())),
            )
        : async () => {},
  };
}

/**
 * Who may read /metrics on this listener: a caller presenting the configured bearer token, or
 * anyone when no token is set and the configuration makes it public.
 */
export function metricsGuard(config: Config['metrics']): RequestHandler {
  const expected = config.token ? Buffer.from(config.token) : null;
  return (req, _res, next) => {
    if (expected) {
      const given = Buffer.from(/^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? '');
      if (given.length === expected.length && timingSafeEqual(given, expected)) return next();
      return next(
        new Problem(
          'unauthenticated',
          { zh: '读取监控指标需要 METRICS_TOKEN 令牌', en: 'Reading metrics needs the METRICS_TOKEN bearer token' },
          { code: 'metrics-token-required' },
        ),
      );
    }
    if (config.public) return next();
    return next(
      new Problem(
        'notFound',
        { zh: '监控指标未在此地址开放', en: 'Metrics are not served here' },
        { code: 'no-route' },
      ),
    );
  };
}
