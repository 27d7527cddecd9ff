import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import type { DataConverter } from '@temporalio/common';
import {
  bundleWorkflowCode,
  Worker,
  type NativeConnection,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Activities } from '../activities';
import type { Config } from '../config';
import { temporalDataConverter } from '../runtime/temporal-connection';

/** The file that exports every workflow. */
export const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

/**
 * Modules loaded once and shared (frozen) by every workflow in the worker's V8 context, instead of
 * once per cached workflow. zod is stateless library code, yet evaluating it costs about 0.7 MiB of
 * heap and milliseconds of CPU per workflow (workflows/shared/shared-libraries.ts: the module that
 * makes the bundler keep it). Our own modules stay per workflow, except the
 * sandbox's setup (workflows/shared/sandbox-setup.ts: no stack frames captured), which must run
 * before the globals freeze; `WORKFLOW_STACK_TRACES=true` leaves it out, for debugging a stuck case
 * with the stack-trace query at the cost of about a quarter of the workflow thread's CPU.
 */
export function sharedWorkflowModules(opts: { stackTraces?: boolean } = {}): string[] {
  const shared = (file: string) => fileURLToPath(new URL(`../workflows/shared/${file}`, import.meta.url));
  const libraries = shared('shared-libraries.ts');
  return opts.stackTraces ? [libraries] : [libraries, shared('sandbox-setup.ts')];
}

/** Bundle the workflow code once (tests reuse one bundle per file; production bundles at start). */
export function bundleWorkflows(opts: { stackTraces?: boolean } = {}): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    logger: quietBundlerLogger,
    preloadModules: sharedWorkflowModules(opts),
  });
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** What a workflow bundle can depend on: our TypeScript outside tests, and the locked dependencies. */
const BUNDLE_INPUTS = ['workflows', 'domain', 'activities', 'db', 'api', 'runtime', 'worker'];

function sourceHash(): string {
  const hash = createHash('sha256').update(readFileSync(path.join(ROOT, 'package-lock.json')));
  for (const dir of BUNDLE_INPUTS) {
    const files = (readdirSync(path.join(ROOT, dir), { recursive: true }) as string[])
      .filter((f) => f.endsWith('.ts'))
      .sort();
    for (const f of files) hash.update(`${dir}/${f}\n`).update(readFileSync(path.join(ROOT, dir, f)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * The workflow bundle, reused from `cacheDir` when no source it could depend on has changed:
 * bundling takes seconds, and a restart with the same code should not pay for it again.
 */
export async function cachedWorkflowBundle(
  cacheDir: string,
  opts: { stackTraces?: boolean } = {},
): Promise<WorkflowBundleWithSourceMap> {
  const file = path.join(cacheDir, `workflow-bundle-${sourceHash()}${opts.stackTraces ? '-stacks' : ''}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as WorkflowBundleWithSourceMap;
  const bundle = await bundleWorkflows(opts);
  try {
    mkdirSync(cacheDir, { recursive: true });
    for (const old of readdirSync(cacheDir).filter((f) => f.startsWith('workflow-bundle-')))
      rmSync(path.join(cacheDir, old), { force: true });
    // Whole or not at all: workers starting together may read it while another writes it.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(bundle));
    renameSync(tmp, file);
  } catch {
    // A cache we cannot write (a read-only image) only costs the next start its bundling time.
  }
  return bundle;
}

const noop = () => {};
const quietBundlerLogger = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: (m: string) => console.error(m),
  log: noop,
};

/**
 * How many workflows the worker keeps cached, from its heap limit. The SDK's default assumes about
 * 1.7 MiB of heap per cached workflow; ours weigh more (each evaluates its own copy of our modules
 * and carries its calendar), and at the SDK's default the heap filled with about 5,000 open cases on
 * a 4 GiB heap: workflow tasks then stalled past the SDK's 5 s limit, which crashed the workflow
 * thread (a Node vm timeout corrupts its async hooks). Budgeting 3 MiB each keeps well clear; a
 * workflow evicted from the cache is replayed from its history when it next has work.
 */
export function defaultMaxCachedWorkflows(heapLimitMiB = v8.getHeapStatistics().heap_size_limit / 1024 / 1024): number {
  return Math.max(100, Math.floor((heapLimitMiB - 512) / 3));
}

/**
 * Options of the SDK runtime (`Runtime.install`): the metrics exporter when `WORKER_METRICS_ADDRESS`
 * is set; with stage timing on, SIGUSR2 asks for the timings (runtime/stage-timing.ts) instead of
 * shutting the worker down (one of the SDK's default shutdown signals).
 */
export function workerRuntimeOptions(config: Pick<Config, 'workerMetricsAddress' | 'stageTimingFile'>) {
  return {
    ...(config.workerMetricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: config.workerMetricsAddress } } } }
      : {}),
    ...(config.stageTimingFile ? { shutdownSignals: ['SIGINT', 'SIGTERM', 'SIGQUIT'] as NodeJS.Signals[] } : {}),
  };
}

/**
 * The SDK runs each call into the workflow sandbox under Node's `vm` timeout, which starts and joins
 * a watchdog thread per call — a handful of calls per workflow task, about 65 µs of CPU each on this
 * box and far more when the CPU is busy (the workflow thread's largest single cost in
 * `bench:throughput`, issue 19). The timeout only catches a workflow stuck in a synchronous loop;
 * our workflow code has none unbounded (every calendar walk stops at a fixed number of days), so the
 * guard is off unless `WORKFLOW_ACTIVATION_TIMEOUT_MS` asks for it.
 */
function workerClass(activationTimeoutMs: number | undefined): typeof Worker {
  return class CaseWorker extends Worker {
    protected static override createWorkflowCreator(
      ...[bundle, compiled, logger]: Parameters<typeof Worker.createWorkflowCreator>
    ): ReturnType<typeof Worker.createWorkflowCreator> {
      // `undefined` is what makes `vm` skip the watchdog; the SDK's option type has no room for it.
      const isolateExecutionTimeoutMs = activationTimeoutMs as number;
      return super.createWorkflowCreator(bundle, { ...compiled, isolateExecutionTimeoutMs }, logger);
    }
  };
}

/**
 * Workflow-task pollers: 8 on the worker's sticky queue (the SDK's default) and 8 on the task queue
 * (the SDK's default is 2). A task for a cached workflow comes on the sticky queue; when the worker
 * is behind by more than the sticky queue's 10 s, its tasks time out there and come again on the
 * task queue, with their history. With 10,000 deadlines in one minute (`bench:timers`) that was
 * 10,956 of the 10,000 escalations' tasks, two pollers fetched them one at a time, and the worker
 * escalated 55 cases a second on 1.45 of the box's 2 cores.
 */
export const WORKFLOW_TASK_POLLERS = { sticky: 8, taskQueue: 8 } as const;

/** A worker for all our workflows and activities on one task queue. */
export async function createWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  workflowBundle?: WorkflowBundleWithSourceMap;
  /** Default: `defaultMaxCachedWorkflows()`. */
  maxCachedWorkflows?: number;
  /** The deployment's payload encryption (runtime/temporal-connection.ts `temporalDataConverter`); tests run without. */
  dataConverter?: DataConverter;
  /** Fail a workflow task whose code runs longer than this in one call (unset: no watchdog, see `workerClass`). */
  activationTimeoutMs?: number;
}): Promise<Worker> {
  return workerClass(opts.activationTimeoutMs || undefined).create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: opts.activities,
    workflowBundle: opts.workflowBundle ?? (await bundleWorkflows()),
    maxCachedWorkflows: opts.maxCachedWorkflows ?? defaultMaxCachedWorkflows(),
    dataConverter: opts.dataConverter,
    workflowTaskPollerBehavior: {
      type: 'simple-maximum',
      maximum: WORKFLOW_TASK_POLLERS.sticky + WORKFLOW_TASK_POLLERS.taskQueue,
    },
    nonStickyToStickyPollRatio:
      WORKFLOW_TASK_POLLERS.taskQueue / (WORKFLOW_TASK_POLLERS.sticky + WORKFLOW_TASK_POLLERS.taskQueue),
  });
}

/**
 * The worker as configured (`npm start` and the worker entrypoint both run this, so both honour the
 * same settings): the cached workflow bundle, the cache size, the activation watchdog and the
 * payload codec from `config`. Tests and the benches' worker (bench/lib/worker-main.ts) pass their
 * own `workflowBundle`.
 */
export async function createConfiguredWorker(
  config: Config,
  deps: { connection: NativeConnection; activities: Activities; workflowBundle?: WorkflowBundleWithSourceMap },
): Promise<Worker> {
  const { temporal } = config;
  return createWorker({
    connection: deps.connection,
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    activities: deps.activities,
    workflowBundle:
      deps.workflowBundle ??
      (await cachedWorkflowBundle(path.join(config.dataDir, 'cache'), { stackTraces: temporal.workflowStackTraces })),
    maxCachedWorkflows: temporal.maxCachedWorkflows,
    activationTimeoutMs: temporal.activationTimeoutMs,
    dataConverter: temporalDataConverter(temporal),
  });
}
