import path from 'node:path';
import { z } from 'zod';

/**
 * The one place that reads the environment. Every entrypoint calls `loadConfig()` at boot and
 * passes the result down; nothing else touches `process.env`.
 */
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const port = z.coerce.number().int().min(1).max(65535);

const envSchema = z
  .object({
    APP_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port.default(3000),
    HOST: z.string().default('127.0.0.1'),
    HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
    HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
    BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
    BODY_MAX_DEPTH: z.coerce.number().int().min(2).max(1000).default(32),
    BODY_MAX_KEYS: z.coerce.number().int().min(10).default(20_000),
    DATA_DIR: z.string().default('.data'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: z.string().url().optional(),
    EMBEDDED_PG_PORT: port.default(54329),

    TEMPORAL_ADDRESS: z.string().min(3).optional(),
    TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
    TEMPORAL_TASK_QUEUE: z.string().min(1).default('township-cases'),
    TEMPORAL_TLS: boolish.default(false),
    TEMPORAL_TLS_CERT_PATH: z.string().optional(),
    TEMPORAL_TLS_KEY_PATH: z.string().optional(),
    TEMPORAL_API_KEY: z.string().optional(),
    TEMPORAL_CLI_PATH: z.string().optional(),
    TEMPORAL_TEST_SERVER_PATH: z.string().optional(),
    TEMPORAL_DEV_PORT: port.default(7233),
    TEMPORAL_UI_PORT: port.default(8233),
    // The embedded dev server's SQLite (comma-separated PRAGMA=VALUE): WAL keeps every commit durable
    // (synchronous stays FULL) with one fsync instead of a rollback journal's two and a file per commit.
    TEMPORAL_DEV_SQLITE_PRAGMAS: z
      .string()
      .default('journal_mode=wal')
      .refine((v) => v.split(',').every((p) => /^\s*$|^\s*[a-z_]+=[A-Za-z0-9_]+\s*$/.test(p)), {
        message:
          'TEMPORAL_DEV_SQLITE_PRAGMAS 须为逗号分隔的 PRAGMA=VALUE，例如 journal_mode=wal (comma-separated PRAGMA=VALUE)',
      }),
    WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
    WORKFLOW_STACK_TRACES: boolish.default(false),
    WORKFLOW_ACTIVATION_TIMEOUT_MS: z.coerce.number().int().min(0).optional(),
    TEMPORAL_CODEC_KEYS: z
      .string()
      .regex(/^\s*[\w.-]{1,64}:[0-9a-fA-F]{64}\s*(,\s*[\w.-]{1,64}:[0-9a-fA-F]{64}\s*)*$/, {
        error:
          'comma-separated keyId:key pairs, each key 64 hex characters (32 bytes); the first encrypts (以逗号分隔的“密钥编号:64 位十六进制密钥”，第一个用于加密)',
      })
      .optional(),
    CODEC_TOKEN: z.string().min(32).optional(),
    CODEC_CORS_ORIGINS: z.string().optional(),

    AUTH_ISSUER: z.string().min(1).optional(),
    AUTH_AUDIENCE: z.string().min(1).default('township-cases'),
    AUTH_JWKS_URL: z.string().url().optional(),
    AUTH_USER_CLAIM: z
      .string()
      .regex(/^[A-Za-z_][\w.:-]*$/, { error: 'a claim name such as sub or preferred_username' })
      .default('sub'),
    AUTH_USER_FIELD: z.enum(['id', 'username']).optional(),
    AUTH_MAX_TOKEN_AGE_S: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(12 * 3_600),
    AUTH_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(600).default(60),
    AUTH_CLIENT_ID: z.string().min(1).optional(),
    AUTH_CLIENT_SECRET: z.string().min(1).optional(),
    AUTH_SCOPES: z
      .string()
      .regex(/(^|\s)openid(\s|$)/, { error: 'must include openid' })
      .default('openid profile'),
    AUTH_SESSION_MAX_AGE_S: z.coerce
      .number()
      .int()
      .min(60)
      .max(7 * 86_400)
      .default(8 * 3_600),
    PUBLIC_URL: z.string().url().optional(),
    DEV_LOGIN: z.enum(['on', 'off']).optional(),
    DEMO_DATA: z.enum(['on', 'off']).optional(),
    DEV_AUTH_SECRET: z.string().min(32).optional(),

    AUDIT_HMAC_KEY: z.string().min(32).optional(),

    CALENDAR_FALLBACK: z.enum(['refuse', 'weekdays']).default('refuse'),
    LIST_COUNT_CAP: z.coerce.number().int().min(1).max(1_000_000).default(1000),

    ATTACHMENT_STORE: z.enum(['files', 's3']).default('files'),
    ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(200 * 1_048_576)
      .default(10 * 1_048_576),
    S3_ENDPOINT: z.string().url().optional(),
    S3_BUCKET: z.string().min(3).max(63).optional(),
    S3_REGION: z.string().min(1).default('us-east-1'),
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
    S3_FORCE_PATH_STYLE: boolish.default(false),

    RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(60),
    RATE_LIMIT_AUTH_PER_IP: z.coerce.number().int().min(0).default(300),
    RATE_LIMIT_AUTH_FAILURES_PER_IP: z.coerce.number().int().min(0).default(300),
    RATE_LIMIT_WRITES_PER_USER: z.coerce.number().int().min(0).default(3000),
    METRICS_TOKEN: z.string().min(16).optional(),
    METRICS_PUBLIC: boolish.optional(),
    METRICS_PORT: port.optional(),
    METRICS_HOST: z.string().optional(),
    STAGE_TIMING_FILE: z.string().optional(),
    WORKER_METRICS_ADDRESS: z
      .string()
      .regex(/^[\w.-]+:\d+$/, { error: 'host:port' })
      .optional(),
    PATH: z.string().default(''),
  })
  .superRefine((env, ctx) => {
    if (env.ATTACHMENT_STORE === 's3' && !env.S3_BUCKET) {
      ctx.addIssue({
        code: 'custom',
        path: ['S3_BUCKET'],
        message: 'required when ATTACHMENT_STORE=s3 (使用对象存储时必须配置存储桶)',
      });
    }
    if (env.APP_ENV !== 'production') return;
    if (!env.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_URL'],
        message: 'required when APP_ENV=production (生产环境必须配置数据库地址)',
      });
    }
    if (!env.TEMPORAL_ADDRESS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_ADDRESS'],
        message: 'required when APP_ENV=production (生产环境必须配置 Temporal 地址)',
      });
    }
    if (!env.AUTH_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_ISSUER'],
        message: 'AUTH_ISSUER is required when APP_ENV=production (生产环境必须配置统一身份认证的签发方地址)',
      });
    }
    if (!env.AUTH_CLIENT_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_CLIENT_ID'],
        message:
          'AUTH_CLIENT_ID is required when APP_ENV=production: the console signs in through the identity provider (生产环境必须配置控制台在统一身份认证中的客户端编号)',
      });
    }
    if (env.DEV_LOGIN === 'on') {
      ctx.addIssue({
        code: 'custom',
        path: ['DEV_LOGIN'],
        message: 'DEV_LOGIN=on is not allowed when APP_ENV=production (生产环境不允许开启开发登录)',
      });
    }
    if (!env.TEMPORAL_CODEC_KEYS) {
      // Without it every process would encrypt with its own generated key and none could read the others' payloads.
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_CODEC_KEYS'],
        message: 'required when APP_ENV=production: keyId:64-hex-key[,…] (生产环境必须配置 Temporal 载荷加密密钥)',
      });
    }
    if (!env.AUDIT_HMAC_KEY) {
      // Worker and API processes must sign with one key, which the database must not hold.
      ctx.addIssue({
        code: 'custom',
        path: ['AUDIT_HMAC_KEY'],
        message: 'required when APP_ENV=production, at least 32 characters (生产环境必须配置审计签名密钥)',
      });
    }
  });

export type Env = z.input<typeof envSchema>;

/** Every environment variable the configuration reads (docker-compose.yml may set no other for the app). */
export const ENV_KEYS: readonly string[] = Object.keys(envSchema.shape);

/** The issuer of dev-login tokens, and the configured issuer when AUTH_ISSUER is unset. */
export const DEV_ISSUER = 'township-cases-dev';

export interface Config {
  env: 'development' | 'test' | 'production';
  http: {
    port: number;
    host: string;
    /** Time a client has to send a request's headers, and the whole request (a slow body is cut off). */
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    /** Caps on a JSON body, checked before validation: bytes (413), nesting depth (400), keys and array items (413). */
    body: { limitBytes: number; maxDepth: number; maxKeys: number };
  };
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  db: { url?: string; embeddedPort: number; embeddedDir: string };
  temporal: {
    address?: string;
    namespace: string;
    taskQueue: string;
    tls: boolean;
    tlsCertPath?: string;
    tlsKeyPath?: string;
    apiKey?: string;
    cliPath?: string;
    testServerPath?: string;
    devPort: number;
    uiPort: number;
    devDbFile: string;
    /** `TEMPORAL_DEV_SQLITE_PRAGMAS`: the dev server's SQLite pragmas (`devServerSqliteArgs`). */
    devSqlitePragmas: string[];
    /** Open cases the worker keeps in memory (unset: sized from its heap, see worker/create-worker.ts). */
    maxCachedWorkflows?: number;
    /** `WORKFLOW_STACK_TRACES`: workflow code captures stack frames (off: about a quarter of the workflow thread's CPU). */
    workflowStackTraces: boolean;
    /** `WORKFLOW_ACTIVATION_TIMEOUT_MS`: the SDK's per-call watchdog on workflow code (unset or 0: off; worker/create-worker.ts). */
    activationTimeoutMs?: number;
    /**
     * Payload encryption (runtime/payload-codec.ts): TEMPORAL_CODEC_KEYS (`keyId:hex`, the first
     * encrypts, all decrypt; required in production), else one key generated once into `keyFile`.
     */
    codec: { keys?: { id: string; key: string }[]; keyFile: string };
  };
  /**
   * The remote codec endpoint (/codec/encode, /codec/decode) the Temporal UI or CLI use to show
   * decrypted histories: callers with `token`, or signed-in admins; `corsOrigins` may call it from a browser.
   */
  codecEndpoint: { token?: string; corsOrigins: string[] };
  auth: {
    /**
     * Dev login (tokens for seeded users): on in the embedded default (`npm start`), off everywhere
     * else unless DEV_LOGIN=on (never in production). When off, its route is not mounted at all.
     */
    devLogin: boolean;
    issuer: string;
    audience: string;
    /** The issuer's JWKS; discovered from its OIDC discovery document when unset. */
    jwksUrl?: string;
    /** The one token claim that names the user, and the user column it must equal. */
    userClaim: string;
    userField: 'id' | 'username';
    /** Tokens older than this (by `iat`) are refused, whatever their `exp`. */
    maxTokenAgeS: number;
    /** Clock skew allowed on `exp`, `nbf` and `iat`. */
    clockToleranceS: number;
    /** The console's OIDC client (authorization code + PKCE); console sign-in is off without it. */
    oidc?: { clientId: string; clientSecret?: string; scopes: string };
    /** How long a console session lasts before the user must sign in again. */
    sessionMaxAgeS: number;
    devSecret?: string;
  };
  audit: {
    /** The secret that signs audit entries (AUDIT_HMAC_KEY); unset in the embedded default, which keeps one in `keyFile`. */
    hmacKey?: string;
    keyFile: string;
  };
  /** The URL users open the console at (redirect and cookie settings derive from it). */
  publicUrl: string;
  /** `npm start` seeds the demo county: on by default there, never in production (DEMO_DATA=off for a real county). */
  demoData: boolean;
  calendarFallback: 'refuse' | 'weekdays';
  /**
   * Case lists and the inbox count matching rows up to this many (or up to the requested page):
   * past it they answer `total` = the cap with `totalIsLowerBound` (more match), instead of
   * counting every matching case on every request.
   */
  listCountCap: number;
  /**
   * Where attachments (photos, documents) are kept: files under `dir` (the embedded default) or an
   * S3-compatible bucket; `maxBytes` caps one upload (413 above it).
   */
  attachments: {
    maxBytes: number;
    store:
      | { kind: 'files'; dir: string }
      | {
          kind: 's3';
          bucket: string;
          region: string;
          endpoint?: string;
          accessKeyId?: string;
          secretAccessKey?: string;
          forcePathStyle: boolean;
        };
  };
  /** Requests per window before 429 (0 = no limit): see api/security.ts. */
  rateLimits: { windowMs: number; authPerIp: number; authFailuresPerIp: number; writesPerUser: number };
  /**
   * Who may read /metrics: with `token`, callers sending `Authorization: Bearer <token>`; with
   * `port`, only a separate listener (host:port) serves it; otherwise it is open only when `public`
   * (the default outside production).
   */
  metrics: { token?: string; public: boolean; port?: number; host: string };
  /**
   * Where the process's time per request stage (auth, idempotency, lookups, the Update, the
   * projection…) is written when it receives SIGUSR2 (runtime/stage-timing.ts); unset: not recorded.
   * Used by `bench:throughput`.
   */
  stageTimingFile?: string;
  /** host:port where the worker serves the Temporal SDK's own metrics (workflow task and activity latency) in Prometheus format. */
  workerMetricsAddress?: string;
  /** The system PATH, where a `temporal` CLI may be found. */
  systemPath: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`配置错误 / Invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parse and validate the environment; throws `ConfigError` listing every problem at once.
 * `embedded` is set only by `npm start` (scripts/start.ts), the one place where dev login is on by default.
 */
export function loadConfig(
  source: Record<string, string | undefined> = process.env,
  opts: { embedded?: boolean } = {},
): Config {
  const known = Object.fromEntries(
    Object.keys(envSchema.shape)
      .filter((k) => source[k] !== undefined && source[k] !== '')
      .map((k) => [k, source[k]]),
  );
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const production = e.APP_ENV === 'production';
  return {
    env: e.APP_ENV,
    http: {
      port: e.PORT,
      host: e.HOST,
      headersTimeoutMs: Math.min(e.HTTP_HEADERS_TIMEOUT_MS, e.HTTP_REQUEST_TIMEOUT_MS),
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      body: { limitBytes: e.BODY_LIMIT_BYTES, maxDepth: e.BODY_MAX_DEPTH, maxKeys: e.BODY_MAX_KEYS },
    },
    dataDir,
    logLevel: e.LOG_LEVEL,
    db: { url: e.DATABASE_URL, embeddedPort: e.EMBEDDED_PG_PORT, embeddedDir: path.join(dataDir, 'postgres') },
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      taskQueue: e.TEMPORAL_TASK_QUEUE,
      tls: e.TEMPORAL_TLS,
      tlsCertPath: e.TEMPORAL_TLS_CERT_PATH,
      tlsKeyPath: e.TEMPORAL_TLS_KEY_PATH,
      apiKey: e.TEMPORAL_API_KEY,
      cliPath: e.TEMPORAL_CLI_PATH,
      testServerPath: e.TEMPORAL_TEST_SERVER_PATH,
      devPort: e.TEMPORAL_DEV_PORT,
      uiPort: e.TEMPORAL_UI_PORT,
      devDbFile: path.join(dataDir, 'temporal.sqlite'),
      devSqlitePragmas: e.TEMPORAL_DEV_SQLITE_PRAGMAS.split(',')
        .map((p) => p.trim())
        .filter(Boolean),
      maxCachedWorkflows: e.WORKER_MAX_CACHED_WORKFLOWS,
      workflowStackTraces: e.WORKFLOW_STACK_TRACES,
      activationTimeoutMs: e.WORKFLOW_ACTIVATION_TIMEOUT_MS,
      codec: {
        keys: e.TEMPORAL_CODEC_KEYS?.split(',').map((pair) => {
          const [id, key] = pair.trim().split(':') as [string, string];
          return { id, key: key.toLowerCase() };
        }),
        keyFile: path.join(dataDir, 'temporal-codec.key'),
      },
    },
    codecEndpoint: {
      token: e.CODEC_TOKEN,
      corsOrigins: (
        e.CODEC_CORS_ORIGINS ??
        (production ? '' : `http://localhost:${e.TEMPORAL_UI_PORT},http://127.0.0.1:${e.TEMPORAL_UI_PORT}`)
      )
        .split(',')
        .map((o) => o.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    },
    auth: {
      devLogin: !production && (e.DEV_LOGIN ? e.DEV_LOGIN === 'on' : opts.embedded === true),
      issuer: e.AUTH_ISSUER ?? DEV_ISSUER,
      audience: e.AUTH_AUDIENCE,
      jwksUrl: e.AUTH_JWKS_URL,
      userClaim: e.AUTH_USER_CLAIM,
      userField: e.AUTH_USER_FIELD ?? (e.AUTH_USER_CLAIM === 'sub' ? 'id' : 'username'),
      maxTokenAgeS: e.AUTH_MAX_TOKEN_AGE_S,
      clockToleranceS: e.AUTH_CLOCK_TOLERANCE_S,
      oidc:
        e.AUTH_CLIENT_ID && e.AUTH_ISSUER
          ? { clientId: e.AUTH_CLIENT_ID, clientSecret: e.AUTH_CLIENT_SECRET, scopes: e.AUTH_SCOPES }
          : undefined,
      sessionMaxAgeS: e.AUTH_SESSION_MAX_AGE_S,
      devSecret: e.DEV_AUTH_SECRET,
    },
    audit: { hmacKey: e.AUDIT_HMAC_KEY, keyFile: path.join(dataDir, 'audit-hmac.key') },
    demoData: !production && e.DEMO_DATA !== 'off',
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    calendarFallback: e.CALENDAR_FALLBACK,
    listCountCap: e.LIST_COUNT_CAP,
    attachments: {
      maxBytes: e.ATTACHMENT_MAX_BYTES,
      store:
        e.ATTACHMENT_STORE === 's3'
          ? {
              kind: 's3',
              bucket: e.S3_BUCKET!,
              region: e.S3_REGION,
              endpoint: e.S3_ENDPOINT,
              accessKeyId: e.S3_ACCESS_KEY_ID,
              secretAccessKey: e.S3_SECRET_ACCESS_KEY,
              forcePathStyle: e.S3_FORCE_PATH_STYLE,
            }
          : { kind: 'files', dir: path.join(dataDir, 'attachments') },
    },
    rateLimits: {
      windowMs: e.RATE_LIMIT_WINDOW_S * 1000,
      authPerIp: e.RATE_LIMIT_AUTH_PER_IP,
      authFailuresPerIp: e.RATE_LIMIT_AUTH_FAILURES_PER_IP,
      writesPerUser: e.RATE_LIMIT_WRITES_PER_USER,
    },
    metrics: {
      token: e.METRICS_TOKEN,
      public: e.METRICS_PUBLIC ?? !production,
      port: e.METRICS_PORT,
      host: e.METRICS_HOST ?? e.HOST,
    },
    stageTimingFile: e.STAGE_TIMING_FILE,
    workerMetricsAddress: e.WORKER_METRICS_ADDRESS,
    systemPath: e.PATH,
  };
}

/** The dev server's command-line arguments for its SQLite pragmas (`temporal server start-dev --sqlite-pragma …`). */
export function devServerSqliteArgs(pragmas: readonly string[]): string[] {
  return pragmas.flatMap((p) => ['--sqlite-pragma', p]);
}
