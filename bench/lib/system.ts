// The system under test, in separate processes so each part can be killed, restarted or stopped
// on its own: the Temporal dev server (the `temporal` CLI with a database file), embedded
// PostgreSQL (its own server process), the worker (bench/lib/worker-main.ts) and the API
// (api/index.ts, the production entrypoint). Everything lives in one temporary folder that is
// removed on stop.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { calendarYears, NATIONAL_REGION } from '../../db/schema';
import { openDatabase, runMigrations, type Database } from '../../db';
import { seedDemoCounty } from '../../db/seed/seed';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../../runtime/embedded-postgres';
import { devServerSqliteArgs, loadConfig } from '../../config';
import { freePort } from '../../runtime/free-port';
import { resolveTemporalBinary } from '../../runtime/temporal-binaries';
import { ensureNamespace } from '../../runtime/temporal-connection';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = ['--import', 'tsx'];
/**
 * `BENCH_CPU_PROF=<folder>`: the worker and the API write V8 CPU profiles (`--cpu-prof`) there when
 * they stop, to open in Chrome DevTools or read with bench/lib/cpu-profile-top.ts.
 */
const cpuProf = (name: string): string[] =>
  process.env.BENCH_CPU_PROF ? [`--cpu-prof`, `--cpu-prof-dir=${path.join(process.env.BENCH_CPU_PROF, name)}`] : [];

export interface SystemUnderTest {
  /** Base URL of the API, e.g. `http://127.0.0.1:41234`. */
  apiUrl: string;
  temporalAddress: string;
  /** The dev server's Prometheus endpoint (null on an external Temporal). */
  temporalMetricsUrl: string | null;
  namespace: string;
  taskQueue: string;
  /** A pool on the system's own database, for checks and direct reads. */
  database: Database;
  databaseUrl: string;
  dataDir: string;
  /** The worker's OS process id (for memory sampling). */
  workerPid(): number | undefined;
  /** OS process ids of the parts (for CPU time: bench/lib/cpu.ts); PostgreSQL's is its postmaster. */
  pids(): Record<'api' | 'worker' | 'temporal' | 'postgres', number | undefined>;
  /**
   * With `stageTiming`: each process's durations per request stage since the last call (stage →
   * ms), read by signalling the API and the worker (runtime/stage-timing.ts).
   */
  drainStageTimings(): Promise<Record<string, number[]>>;
  /** With `stageTiming`: the worker's Temporal SDK metrics (Prometheus text). */
  workerMetrics(): Promise<string>;
  /** The dev server's own metrics (Prometheus text; empty on an external Temporal). */
  serverMetrics(): Promise<string>;
  killWorker(signal?: NodeJS.Signals): Promise<void>;
  startWorker(): Promise<void>;
  restartTemporal(): Promise<void>;
  stopPostgres(): Promise<void>;
  startPostgres(): Promise<void>;
  /** Spawn another long-running child with the same lifetime as the system (e.g. the bare worker). */
  spawnChild(name: string, script: string, env: Record<string, string>, readyLine: RegExp): Promise<ChildProcess>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
// Leave no orphans, however the bench script ends.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

/** Children this script stops or kills on purpose; any other exit is reported with its last output. */
const stopping = new WeakSet<ChildProcess>();
function stopChild(child: ChildProcess, signal: NodeJS.Signals): void {
  stopping.add(child);
  child.kill(signal);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Spawn a child and resolve once a line of its output matches `readyLine`; reject if it exits
 * first or `timeoutMs` passes. Its output is kept (the last lines) for the error message.
 */
function spawnReady(
  name: string,
  cmd: string,
  args: string[],
  env: Record<string, string>,
  readyLine: RegExp,
  timeoutMs = 120_000,
): Promise<ChildProcess> {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  const tail: string[] = [];
  // BENCH_CHILD_LOG=<folder>: every line each child prints, in <folder>/<name>.log (for a failed run).
  const logFile = process.env.BENCH_CHILD_LOG ? path.join(process.env.BENCH_CHILD_LOG, `${name}.log`) : null;
  if (logFile) mkdirSync(path.dirname(logFile), { recursive: true });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${name} not ready after ${timeoutMs} ms`)), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${err.message}\n${tail.join('\n')}`));
    };
    let ready = false;
    const onData = (chunk: Buffer) => {
      if (logFile) appendFileSync(logFile, chunk);
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(`[${name}] ${line}`);
        if (tail.length > 40) tail.shift();
        if (!ready && readyLine.test(line)) {
          ready = true;
          clearTimeout(timer);
          resolve(child);
        }
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      if (!ready) fail(new Error(`${name} exited (${code ?? signal}) before it was ready`));
      else if (!stopping.has(child))
        console.error(`[system] ${name} exited on its own (${code ?? signal}); its last output:\n${tail.join('\n')}`);
    });
  });
}

async function waitForTemporal(address: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Bring the whole system up on free ports in a fresh temporary folder: PostgreSQL (migrated,
 * demo county seeded), the Temporal dev server, the worker and the API.
 */
export async function startSystem(
  opts: { log?: (line: string) => void; workerEnv?: Record<string, string>; stageTiming?: boolean } = {},
): Promise<SystemUnderTest> {
  const log = opts.log ?? (() => {});
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'township-bench-'));
  // As root, PostgreSQL runs as a separate OS user that must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const pgPort = await freePort();
  const pgDir = path.join(dataDir, 'postgres');
  const startPg = () => startEmbeddedPostgres({ dir: pgDir, port: pgPort, database: 'township_bench' });
  let pg: EmbeddedPostgresHandle | undefined = await startPg();
  const databaseUrl = pg.url;
  const database = openDatabase(databaseUrl, { max: 10 });
  await runMigrations(database.db);
  await seedDemoCounty(database.db);
  // Working-day limits of higher levels may reach into next year, which the packaged holiday data
  // may not cover yet: mark it as a plain Mon–Fri year for the bench (never done outside bench/).
  await database.db
    .insert(calendarYears)
    .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
    .onConflictDoNothing();
  log(`PostgreSQL up on ${pgPort}`);

  // TEMPORAL_ADDRESS: an external Temporal (e.g. `npm run cluster`'s frontend) instead of a dev server of our own.
  const external = process.env.TEMPORAL_ADDRESS;
  const temporalAddress = external ?? `127.0.0.1:${await freePort()}`;
  const temporalMetricsUrl = external ? null : `http://127.0.0.1:${await freePort()}/metrics`;
  let temporal: ChildProcess | undefined;
  const startTemporal = async () => {
    if (!external) {
      const { executable } = resolveTemporalBinary('temporal', {
        explicitPath: process.env.TEMPORAL_CLI_PATH,
        systemPath: process.env.PATH,
      });
      if (executable.type !== 'existing-path')
        throw new Error('no temporal CLI: run `npm start` or `npm test` once (scripts/bootstrap.mjs installs it)');
      const args = [
        'server',
        'start-dev',
        '--headless',
        '--ip',
        '127.0.0.1',
        '--port',
        temporalAddress.split(':')[1]!,
        '--metrics-port',
        new URL(temporalMetricsUrl!).port,
        '--db-filename',
        path.join(dataDir, 'temporal.sqlite'),
        '--log-level',
        'error',
        '--namespace',
        'default',
        // As `npm start` runs it (TEMPORAL_DEV_SQLITE_PRAGMAS).
        ...devServerSqliteArgs(loadConfig().temporal.devSqlitePragmas),
      ];
      const child = spawn(executable.path, args, { cwd: dataDir, stdio: 'ignore' });
      temporal = child;
      children.add(child);
      child.once('exit', () => children.delete(child));
    }
    await waitForTemporal(temporalAddress);
  };
  await startTemporal();
  // On a shared Temporal the bench's case numbers (from its own fresh database) would meet earlier
  // runs' workflows: a namespace of its own per run.
  const namespace = external ? `township-bench-${Date.now().toString(36)}` : 'default';
  if (external) await ensureNamespace(temporalAddress, namespace);
  log(
    external
      ? `external Temporal at ${temporalAddress}, namespace ${namespace}`
      : `Temporal dev server up on ${temporalAddress}`,
  );

  const taskQueue = 'township-bench';
  const common = {
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TASK_QUEUE: taskQueue,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    APP_ENV: 'development',
    DEV_LOGIN: 'on',
  };
  const stageFile = (name: string) => path.join(dataDir, `stages-${name}.json`);
  const metricsAddress = opts.stageTiming ? `127.0.0.1:${await freePort()}` : undefined;
  const timingEnv = (name: string): Record<string, string> =>
    opts.stageTiming
      ? {
          STAGE_TIMING_FILE: stageFile(name),
          ...(name === 'worker' ? { WORKER_METRICS_ADDRESS: metricsAddress! } : {}),
        }
      : {};
  let worker: ChildProcess | undefined;
  const startWorker = async () => {
    worker = await spawnReady(
      'worker',
      process.execPath,
      [...cpuProf('worker'), ...TSX, 'bench/lib/worker-main.ts'],
      { ...common, ...timingEnv('worker'), ...opts.workerEnv },
      /worker ready/,
    );
  };
  await startWorker();
  log('worker up');

  const apiPort = await freePort();
  const api = await spawnReady(
    'api',
    process.execPath,
    [...cpuProf('api'), ...TSX, 'api/index.ts'],
    { ...common, ...timingEnv('api'), PORT: String(apiPort), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    /API listening/,
  );
  // Errors the API logged (pino level ≥ 50) are kept for the report: a 500 must be explainable.
  const errorLog = path.join(ROOT, 'bench', 'results', 'api-errors.log');
  mkdirSync(path.dirname(errorLog), { recursive: true });
  const keepErrors = (chunk: Buffer) => {
    const lines = chunk
      .toString()
      .split('\n')
      .filter((l) => /"level":(50|60)/.test(l));
    if (lines.length) appendFileSync(errorLog, `${lines.join('\n')}\n`);
  };
  api.stdout!.on('data', keepErrors);
  api.stderr!.on('data', keepErrors);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  log(`API up on ${apiUrl}`);

  const extra: ChildProcess[] = [];
  return {
    apiUrl,
    temporalAddress,
    temporalMetricsUrl,
    namespace,
    taskQueue,
    database,
    databaseUrl,
    dataDir,
    workerPid: () => worker?.pid,
    pids: () => ({ api: api.pid, worker: worker?.pid, temporal: temporal?.pid, postgres: postmasterPid(pgDir) }),
    async drainStageTimings() {
      const out: Record<string, number[]> = {};
      for (const [name, child] of [
        ['api', api],
        ['worker', worker],
      ] as const) {
        if (!child) continue;
        rmSync(stageFile(name), { force: true });
        child.kill('SIGUSR2');
        const until = Date.now() + 10_000;
        while (!existsSync(stageFile(name)) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
        if (existsSync(stageFile(name)))
          Object.assign(out, JSON.parse(readFileSync(stageFile(name), 'utf8')) as Record<string, number[]>);
      }
      return out;
    },
    async workerMetrics() {
      return metricsAddress ? (await fetch(`http://${metricsAddress}/metrics`)).text() : '';
    },
    async serverMetrics() {
      return temporalMetricsUrl ? (await fetch(temporalMetricsUrl)).text() : '';
    },
    async killWorker(signal = 'SIGKILL') {
      if (!worker) return;
      const w = worker;
      worker = undefined;
      stopChild(w, signal);
      await waitForExit(w);
    },
    startWorker,
    async restartTemporal() {
      if (!temporal) throw new Error('an external Temporal (TEMPORAL_ADDRESS) is not restarted by the bench');
      temporal.kill('SIGTERM');
      await waitForExit(temporal);
      await startTemporal();
    },
    async stopPostgres() {
      await pg?.stop();
      pg = undefined;
    },
    async startPostgres() {
      pg ??= await startPg();
    },
    async spawnChild(name, script, env, readyLine) {
      const child = await spawnReady(name, process.execPath, [...TSX, script], { ...common, ...env }, readyLine);
      extra.push(child);
      return child;
    },
    async stop() {
      for (const child of [api, ...extra, ...(worker ? [worker] : [])]) {
        stopChild(child, 'SIGTERM');
        const exited = waitForExit(child);
        const timeout = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timeout);
      }
      if (temporal) {
        temporal.kill('SIGTERM');
        await waitForExit(temporal);
      }
      await database.close();
      await pg?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The postmaster's process id, from its pid file (first line). */
function postmasterPid(pgDir: string): number | undefined {
  try {
    return Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/** Resident memory of a process in MiB, from /proc (Linux). */
export function residentMiB(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}
