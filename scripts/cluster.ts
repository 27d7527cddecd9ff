// `npm run cluster`: the production topology on one machine, without Docker. A real Temporal
// cluster — frontend, history, matching and worker as four `temporal-server` processes on
// PostgreSQL (its own databases, schema set up and upgraded by Temporal's SQL tool) — plus two
// worker processes and two API processes of ours with APP_ENV=production, signing in through a
// trial OIDC provider. The Temporal server is built once from the Go module proxy and cached under
// .tools/temporal-cluster/. Every process is supervised: one that dies is started again (as
// `restart: unless-stopped` would), so killing one is how you try a failure. Ctrl-C stops all.
//   npm run cluster [-- --dir .data-cluster] [-- --no-demo]
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  rmSync,
  writeFileSync,
  type WriteStream,
} from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { stringify } from 'yaml';
import { openDatabase, runMigrations } from '../db';
import { seedDemoCounty, seedNationalCalendar } from '../db/seed/seed';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { ensureNamespace } from '../runtime/temporal-connection';
import { newSigningKey, startIdentityProvider } from '../tests/support/oidc-provider';
import {
  clusterPaths,
  GO_TOOLCHAIN,
  PORTS,
  readJson,
  ROOT,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_SERVICES,
  type ClusterControl,
  type ClusterSecrets,
  type ClusterState,
} from './cluster-layout';

const { values: args } = parseArgs({
  options: { dir: { type: 'string' }, 'no-demo': { type: 'boolean', default: false } },
});
const paths = clusterPaths(args.dir ? path.resolve(args.dir) : undefined);
const log = (zh: string, en: string) => console.log(`[cluster] ${zh} / ${en}`);
const PG = { user: 'postgres', password: 'postgres' };

/** Build `temporal-server` and its SQL tool once (≈10–25 min on 2 cores); later runs reuse them. */
function ensureTemporalServer(): void {
  if (existsSync(paths.serverBin) && existsSync(paths.sqlBin) && existsSync(paths.schemaDir)) return;
  log(
    `首次运行：从 Go 模块代理构建 Temporal Server ${TEMPORAL_SERVER_VERSION}（约 10–25 分钟，只需一次）`,
    `first run: building Temporal Server ${TEMPORAL_SERVER_VERSION} from the Go module proxy (10–25 min, once)`,
  );
  const env = { ...process.env, GOTOOLCHAIN: GO_TOOLCHAIN, GOBIN: path.dirname(paths.serverBin) };
  mkdirSync(path.dirname(paths.serverBin), { recursive: true });
  const mod = `go.temporal.io/server@v${TEMPORAL_SERVER_VERSION}`;
  execFileSync(
    'go',
    [
      'install',
      `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
      `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
    ],
    { env, stdio: 'inherit' },
  );
  // The versioned schema ships in the module source: keep a copy next to the binaries.
  const { Dir } = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', mod], { env, cwd: paths.tools, encoding: 'utf8' }),
  ) as { Dir: string };
  cpSync(path.join(Dir, 'schema', 'postgresql', 'v12'), paths.schemaDir, { recursive: true });
  chmodSync(paths.schemaDir, 0o755);
}

function loadSecrets(): ClusterSecrets {
  const found = readJson<ClusterSecrets>(paths.secrets);
  if (found) return found;
  return {
    auditHmacKey: randomBytes(32).toString('hex'),
    codecKeys: `k${new Date().toISOString().slice(0, 10).replace(/-/g, '')}:${randomBytes(32).toString('hex')}`,
    codecToken: randomBytes(32).toString('hex'),
    idpKey: {},
  };
}

function temporalConfig(): string {
  const store = (databaseName: string, maxConns: number) => ({
    sql: {
      pluginName: 'postgres12',
      databaseName,
      connectAddr: `127.0.0.1:${PORTS.postgres}`,
      connectProtocol: 'tcp',
      user: PG.user,
      password: PG.password,
      maxConns,
      maxIdleConns: maxConns,
      maxConnLifetime: '1h',
    },
  });
  const rpc = (grpcPort: number, membershipPort: number, extra: Record<string, unknown> = {}) => ({
    rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra },
  });
  return stringify({
    log: { stdout: true, level: 'warn' },
    persistence: {
      defaultStore: 'default',
      visibilityStore: 'visibility',
      numHistoryShards: 4,
      datastores: { default: store('temporal', 20), visibility: store('temporal_visibility', 4) },
    },
    global: { membership: { maxJoinDuration: '30s', broadcastAddress: '127.0.0.1' } },
    services: {
      frontend: rpc(PORTS.frontend, PORTS.membership.frontend, { httpPort: PORTS.frontendHttp }),
      history: rpc(PORTS.history, PORTS.membership.history),
      matching: rpc(PORTS.matching, PORTS.membership.matching),
      worker: rpc(PORTS.temporalWorker, PORTS.membership.worker),
    },
    clusterMetadata: {
      enableGlobalNamespace: false,
      failoverVersionIncrement: 10,
      masterClusterName: 'active',
      currentClusterName: 'active',
      clusterInformation: {
        active: {
          enabled: true,
          initialFailoverVersion: 1,
          rpcName: 'frontend',
          rpcAddress: `127.0.0.1:${PORTS.frontend}`,
        },
      },
    },
    dcRedirectionPolicy: { policy: 'noop' },
  });
}

/** Create Temporal's two databases and set up or upgrade their schema with its SQL tool. */
async function temporalSchema(adminUrl: string): Promise<void> {
  const sql = (database: string, ...rest: string[]) =>
    execFileSync(
      paths.sqlBin,
      [
        '--plugin',
        'postgres12',
        '--ep',
        '127.0.0.1',
        '-p',
        String(PORTS.postgres),
        '-u',
        PG.user,
        '--pw',
        PG.password,
        '--db',
        database,
        ...rest,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
  for (const [database, schema] of [
    ['temporal', 'temporal'],
    ['temporal_visibility', 'visibility'],
  ] as const) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    const exists = (await admin.query('select 1 from pg_database where datname = $1', [database])).rowCount === 1;
    await admin.end();
    if (!exists) sql(database, 'create-database');
    const db = new pg.Client({ connectionString: adminUrl.replace(/\/postgres$/, `/${database}`) });
    await db.connect();
    const versioned = (await db.query("select to_regclass('public.schema_version') is not null as found")).rows[0] as {
      found: boolean;
    };
    await db.end();
    if (!versioned.found) sql(database, 'setup-schema', '-v', '0.0');
    sql(database, 'update-schema', '-d', path.join(paths.schemaDir, schema, 'versioned'));
  }
}

interface Supervised {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** A line of its output that says it is up; without one, up once spawned. */
  ready?: RegExp;
  child?: ChildProcess;
  up: boolean;
  starting?: Promise<void>;
  stopping: boolean;
  lastStart: number;
}

const processes: Supervised[] = [];
const state: ClusterState = {
  ready: false,
  temporalAddress: `127.0.0.1:${PORTS.frontend}`,
  databaseUrl: '',
  issuer: '',
  audience: 'township-cases',
  apiUrls: [],
  pids: {},
  starts: {},
};
let shuttingDown = false;
const logFiles = new Map<string, WriteStream>();

function writeState(): void {
  writeFileSync(paths.state, JSON.stringify(state, null, 2), { mode: 0o600 });
}

function start(p: Supervised): Promise<void> {
  if (p.starting) return p.starting;
  p.lastStart = Date.now();
  p.stopping = false;
  let out = logFiles.get(p.name);
  if (!out) {
    out = createWriteStream(path.join(paths.logs, `${p.name}.log`), { flags: 'a' });
    logFiles.set(p.name, out);
  }
  const child = spawn(p.command, p.args, {
    cwd: ROOT,
    env: { ...process.env, ...p.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  p.child = child;
  state.starts[p.name] = (state.starts[p.name] ?? 0) + 1;
  const sink = out;
  p.starting = new Promise<void>((resolve, reject) => {
    let ready = !p.ready;
    const markUp = () => {
      p.up = true;
      p.starting = undefined;
      state.pids[p.name] = child.pid;
      writeState();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      sink.write(chunk);
      if (!ready && p.ready!.test(chunk.toString())) {
        ready = true;
        markUp();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('spawn', () => {
      if (ready) markUp();
    });
    child.once('exit', (code, signal) => {
      p.up = false;
      p.starting = undefined;
      p.child = undefined;
      state.pids[p.name] = undefined;
      if (!shuttingDown) writeState();
      if (!p.stopping && !shuttingDown)
        log(
          `${p.name} 已退出（${code ?? signal}），将重新启动`,
          `${p.name} exited (${code ?? signal}); restarting it (log: ${path.relative(ROOT, path.join(paths.logs, `${p.name}.log`))})`,
        );
      if (!ready)
        reject(
          new Error(
            `${p.name} exited (${code ?? signal}) before it was up; see ${path.join(paths.logs, `${p.name}.log`)}`,
          ),
        );
    });
  });
  return p.starting;
}

async function stop(p: Supervised): Promise<void> {
  const child = p.child;
  if (!child) return;
  p.stopping = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Keep every process up unless paused in control.json; restart one that died (at most every 2 s). */
function superviseForever(): void {
  const tick = () => {
    if (shuttingDown) return;
    const paused = new Set(readJson<ClusterControl>(paths.control)?.paused ?? []);
    for (const p of processes) {
      if (paused.has(p.name)) {
        if (p.child && !p.stopping) void stop(p).then(() => log(`${p.name} 已暂停`, `${p.name} paused`));
      } else if (!p.child && !p.starting && Date.now() - p.lastStart > 2_000) {
        start(p).then(
          () => log(`${p.name} 已启动（pid ${p.child?.pid}）`, `${p.name} up (pid ${p.child?.pid})`),
          (err: unknown) => log(`${p.name} 启动失败`, `${p.name} failed to start: ${String(err)}`),
        );
      }
    }
  };
  setInterval(tick, 500).unref();
}

async function main(): Promise<void> {
  ensureTemporalServer();
  mkdirSync(paths.logs, { recursive: true });
  // As root, PostgreSQL runs as its own OS user, which must be able to enter the folder.
  chmodSync(paths.dir, 0o755);
  const secrets = loadSecrets();
  if (!secrets.idpKey.kid) secrets.idpKey = await newSigningKey();
  writeFileSync(paths.secrets, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  writeFileSync(paths.control, JSON.stringify({ paused: [] } satisfies ClusterControl));

  const pgHandle = await startEmbeddedPostgres({ dir: paths.postgresDir, port: PORTS.postgres, database: 'township' });
  state.databaseUrl = pgHandle.url;
  log(`PostgreSQL 已启动（端口 ${PORTS.postgres}）`, `PostgreSQL up on ${PORTS.postgres}`);
  await temporalSchema(pgHandle.adminUrl);
  log('Temporal 数据库结构已就绪（SQL 工具）', 'Temporal schema set up / upgraded (SQL tool)');

  writeFileSync(paths.temporalConfig, temporalConfig());
  for (const service of TEMPORAL_SERVICES) {
    processes.push({
      name: `temporal-${service}`,
      command: paths.serverBin,
      args: ['--config-file', paths.temporalConfig, '--allow-no-auth', 'start', '--service', service],
      env: {},
      up: false,
      stopping: false,
      lastStart: 0,
    });
  }
  await Promise.all(processes.map((p) => start(p)));
  await ensureNamespace(state.temporalAddress, 'default');
  log(
    `Temporal 集群已启动：frontend ${state.temporalAddress}、history、matching、worker 四个进程`,
    `Temporal cluster up: frontend ${state.temporalAddress}, history, matching, worker (four processes)`,
  );

  state.apiUrls = PORTS.apis.map((port) => `http://localhost:${port}`);
  const idp = await startIdentityProvider(state.apiUrls[0]!, {
    port: PORTS.idp,
    appUrls: state.apiUrls.slice(1),
    privateJwk: secrets.idpKey,
  });
  state.issuer = idp.issuer;

  // The one-shot migration step (as docker-compose's `migrate` job); workers migrate again at start, under the same lock.
  const database = openDatabase(pgHandle.url, { max: 2 });
  await runMigrations(database.db);
  if (args['no-demo']) await seedNationalCalendar(database.db);
  else await seedDemoCounty(database.db);
  await database.close();
  log(
    args['no-demo'] ? '数据库已迁移' : '数据库已迁移，演示县数据已加载',
    args['no-demo'] ? 'migrated' : 'migrated; demo county seeded',
  );

  const appEnv = {
    APP_ENV: 'production',
    DATABASE_URL: pgHandle.url,
    TEMPORAL_ADDRESS: state.temporalAddress,
    AUTH_ISSUER: idp.issuer,
    AUTH_CLIENT_ID: idp.clientId,
    AUTH_CLIENT_SECRET: idp.clientSecret,
    AUTH_USER_CLAIM: 'preferred_username',
    AUDIT_HMAC_KEY: secrets.auditHmacKey,
    TEMPORAL_CODEC_KEYS: secrets.codecKeys,
    CODEC_TOKEN: secrets.codecToken,
    DATA_DIR: paths.appDataDir,
    LOG_LEVEL: 'info',
  };
  const tsx = (script: string) => [process.execPath, ['--import', 'tsx', script]] as const;
  const apps: Supervised[] = [
    ...[1, 2].map((n) => ({
      name: `worker-${n}`,
      command: tsx('worker/index.ts')[0],
      args: [...tsx('worker/index.ts')[1]],
      env: appEnv,
      ready: /worker running/,
      up: false,
      stopping: false,
      lastStart: 0,
    })),
    ...PORTS.apis.map((port, i) => ({
      name: `api-${i + 1}`,
      command: tsx('api/index.ts')[0],
      args: [...tsx('api/index.ts')[1]],
      env: {
        ...appEnv,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_URL: state.apiUrls[i]!,
        CODEC_CORS_ORIGINS: 'http://localhost:8233',
      },
      ready: /API listening/,
      up: false,
      stopping: false,
      lastStart: 0,
    })),
  ];
  processes.push(...apps);
  for (const w of apps.filter((a) => a.name.startsWith('worker'))) await start(w);
  log('两个 Worker 进程已启动', 'two worker processes up');
  await Promise.all(apps.filter((a) => a.name.startsWith('api')).map((a) => start(a)));
  state.ready = true;
  writeState();
  superviseForever();

  console.log(`
生产拓扑已在本机启动 / The production topology is up on this machine
  API #1 / #2             ${state.apiUrls.join('  ')}   (APP_ENV=production)
  Temporal frontend       ${state.temporalAddress}   (history ${PORTS.history}, matching ${PORTS.matching}, worker ${PORTS.temporalWorker})
  PostgreSQL              127.0.0.1:${PORTS.postgres} (databases township, temporal, temporal_visibility)
  登录 / sign in           ${idp.issuer} — 试用身份认证：任意用户名（如 t01.supervisor）、任意密码 / trial provider: any seeded username, any password
  解密历史 / read histories  temporal workflow show --address ${state.temporalAddress} -w <case id> --codec-endpoint ${state.apiUrls[0]}/codec --codec-auth "Bearer $(node -pe 'require("./${path.relative(ROOT, paths.secrets)}").codecToken')"
  日志 / logs              ${path.relative(ROOT, paths.logs)}/
  进程 / processes         ${processes.map((p) => `${p.name}:${p.child?.pid}`).join(' ')}
任何进程退出都会被重新启动（可 kill -9 试验）；按 Ctrl-C 全部停止 / a process that dies is restarted (try kill -9); Ctrl-C stops everything
`);

  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`收到 ${signal}，正在停止…`, 'stopping…');
    const order = ['api', 'worker', 'temporal-frontend', 'temporal-matching', 'temporal-worker', 'temporal-history'];
    for (const prefix of order)
      await Promise.all(processes.filter((p) => p.name.startsWith(prefix)).map((p) => stop(p)));
    await idp.stop();
    await pgHandle.stop();
    rmSync(paths.state, { force: true });
    log('已停止', 'stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// Leave no orphans if the script itself fails.
process.once('exit', () => {
  for (const p of processes) p.child?.kill('SIGKILL');
});

main().catch((err: unknown) => {
  console.error('[cluster]', err);
  for (const p of processes) p.child?.kill('SIGKILL');
  process.exit(1);
});
