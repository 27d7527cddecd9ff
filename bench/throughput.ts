// Benchmarks 1 + 2 (`npm run bench:throughput`): engine throughput and latency through the HTTP
// API with N concurrent users, then — on the same Temporal server in the same run — the same number
// of workflow starts and updates through a bare Temporal workflow with no-op handlers and no API.
import { ApiClient } from './lib/api-client';
import { announce, latencyTable, readSettings, table, writeResults } from './lib/report';
import { startSystem } from './lib/system';
import { runWorkload, scenarioMix } from './lib/workload';
import { runBare, startBare } from './bare/driver';
import { cpuPerAction, cpuSnapshot } from './lib/cpu';
import { cpuTable, sdkFigures, serverFigures, serverTable, stageFigures, stageTable } from './lib/costs';
import { readFileSync } from 'node:fs';

const spec = {
  cases: { default: 120, help: 'cases to drive through every step (round robin over the mix)' },
  concurrency: { default: 8, help: 'concurrent virtual users' },
  warmup: { default: 6, help: 'cases driven first and not measured (JIT, pools, caches)' },
};
const settings = readSettings(spec);
const mixSpec = process.env.BENCH_MIX;
const m = announce('throughput — engine vs bare Temporal', spec, settings);
const mix = scenarioMix(mixSpec);
console.log(`  BENCH_MIX              = ${mix.map((s) => s.name).join(',')}`);

const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`), stageTiming: true });
try {
  const client = new ApiClient(sys.apiUrl);
  if (settings.warmup > 0)
    await runWorkload({
      client,
      mix,
      cases: settings.warmup,
      concurrency: Math.min(settings.concurrency, settings.warmup),
      tag: 'warmup',
    });
  console.log(`[bench] driving ${settings.cases} cases with ${settings.concurrency} users…`);
  await sys.drainStageTimings(); // forget the warm-up
  const metricsBefore = await sys.workerMetrics();
  const serverBefore = await sys.serverMetrics();
  const cpuBefore = cpuSnapshot(sys.pids());
  const ours = await runWorkload({
    client,
    mix,
    cases: settings.cases,
    concurrency: settings.concurrency,
    tag: 'throughput',
  });
  const cpuOurs = cpuPerAction(cpuBefore, cpuSnapshot(sys.pids()), ours.actions);
  const serverOurs = serverFigures(serverBefore, await sys.serverMetrics(), ours.actions);
  const stages = stageFigures(await sys.drainStageTimings(), ours.actions);
  const sdk = sdkFigures(metricsBefore, await sys.workerMetrics());
  if (ours.failed.length) {
    console.error(`[bench] ${ours.failed.length} cases failed, first: ${ours.failed[0]!.error}`);
  }

  // The bare floor: same server, same counts, same concurrency.
  const bareQueue = 'bare-bench';
  const { worker: bareWorker, client: temporal } = await startBare(sys, bareQueue);
  const plan = ours.cases.map((c) => c.scenario.steps.length);
  const warm = plan.slice(0, settings.warmup);
  if (warm.length) await runBare(temporal, bareQueue, warm, Math.min(settings.concurrency, warm.length));
  console.log(`[bench] bare Temporal: ${plan.length} starts, ${plan.reduce((a, b) => a + b, 0)} updates…`);
  const bareServerBefore = await sys.serverMetrics();
  const bareCpuBefore = cpuSnapshot({ ...sys.pids(), 'bare-worker': bareWorker.pid });
  const bare = await runBare(temporal, bareQueue, plan, settings.concurrency);
  const cpuBare = cpuPerAction(
    bareCpuBefore,
    cpuSnapshot({ ...sys.pids(), 'bare-worker': bareWorker.pid }),
    bare.starts + bare.updates,
  );
  const serverBare = serverFigures(bareServerBefore, await sys.serverMetrics(), bare.starts + bare.updates);
  await temporal.connection.close();

  const perSec = (n: number, ms: number) => Math.round((n / (ms / 1000)) * 100) / 100;
  const oursFig = {
    cases: ours.cases.length,
    failedCases: ours.failed.length,
    actions: ours.actions,
    wallS: Math.round(ours.wallMs) / 1000,
    casesPerS: perSec(ours.cases.length, ours.wallMs),
    actionsPerS: perSec(ours.actions, ours.wallMs),
  };
  const bareFig = {
    workflows: bare.starts,
    updates: bare.updates,
    wallS: Math.round(bare.wallMs) / 1000,
    workflowsPerS: perSec(bare.starts, bare.wallMs),
    actionsPerS: perSec(bare.starts + bare.updates, bare.wallMs),
  };
  const ratio = {
    cases: Math.round((oursFig.casesPerS / bareFig.workflowsPerS) * 1000) / 1000,
    actions: Math.round((oursFig.actionsPerS / bareFig.actionsPerS) * 1000) / 1000,
  };
  const bareStart = bare.latencies.summary('start');
  const bareUpdate = bare.latencies.summary('update');
  const oursLat = ours.latencies.all();
  const overhead = Object.fromEntries(
    Object.entries(oursLat).map(([label, s]) => {
      const floor = label.endsWith('.start') ? bareStart : bareUpdate;
      const d = (a: number, b: number) => Math.round((a - b) * 100) / 100;
      return [label, { p50: d(s.p50, floor.p50), p95: d(s.p95, floor.p95), p99: d(s.p99, floor.p99) }];
    }),
  );
  const flowable = readFlowable();
  const cpuRatio = Math.round((cpuOurs.totalWithoutDriver! / cpuBare.totalWithoutDriver!) * 100) / 100;
  const figures = {
    ours: oursFig,
    bare: bareFig,
    ratio,
    cpuMsPerAction: { ours: cpuOurs, bare: cpuBare, ratioOursToBare: cpuRatio },
    stages,
    sdk,
    temporalServer: { ours: serverOurs, bare: serverBare },
    flowable,
    latencyMs: oursLat,
    bareLatencyMs: bare.latencies.all(),
    overheadMs: overhead,
    failures: ours.failed.slice(0, 10),
  };
  const md = [
    '## Throughput',
    '',
    table(
      ['', 'cases (workflows)', 'actions', 'wall s', 'cases/s', 'actions/s'],
      [
        [
          'engine through the API',
          oursFig.cases,
          oursFig.actions,
          oursFig.wallS,
          oursFig.casesPerS,
          oursFig.actionsPerS,
        ],
        [
          'bare Temporal (no-op)',
          bareFig.workflows,
          bareFig.workflows + bareFig.updates,
          bareFig.wallS,
          bareFig.workflowsPerS,
          bareFig.actionsPerS,
        ],
        ['ratio engine / bare', '', '', '', ratio.cases, ratio.actions],
      ],
    ),
    '',
    `Failed cases: ${ours.failed.length}. An action is one HTTP request (a start or a step); the bare run makes one update-with-start per case and one update per step. A summons case is three workflows (the whistle and one child per summoned department) and its client also reads the whistle until its parts are open and again until they have ended (reads, not counted as actions).`,
    '',
    '## Latency per action (engine, through the API), with overhead over the bare floor',
    '',
    latencyTable(oursLat, (l) => [overhead[l]!.p50, overhead[l]!.p95, overhead[l]!.p99], [
      'overhead p50',
      'overhead p95',
      'overhead p99',
    ]),
    '',
    'Bare floor (`start` = update-with-start, `update` = one update):',
    '',
    latencyTable(bare.latencies.all()),
    '',
    '## CPU per action (each process with its children, over the measured part)',
    '',
    cpuTable({
      engine: cpuOurs,
      'bare Temporal': cpuBare,
      ...(flowable ? { 'Flowable peer': flowable.cpuMsPerAction } : {}),
    }),
    '',
    `Engine / bare CPU per action (without the driver): ${cpuRatio}×.${flowable ? ` Flowable peer: ${flowable.actionsPerS} actions/s, step p50/p99 ${flowable.stepP50Ms}/${flowable.stepP99Ms} ms (${flowable.source}).` : ''}`,
    '',
    '## What the Temporal server did per action (its own metrics, measured part)',
    '',
    'gRPC requests (`service_requests`):',
    '',
    serverTable({ engine: serverOurs.service, 'bare Temporal': serverBare.service }),
    '',
    'Persistence operations (`persistence_requests`):',
    '',
    serverTable({ engine: serverOurs.persistence, 'bare Temporal': serverBare.persistence }),
    '',
    '## Where a request goes (API and worker stages, measured part)',
    '',
    stageTable(stages),
    '',
    'Temporal SDK metrics of the worker over the measured part (latency means in ms):',
    '',
    table(
      ['metric', 'count', 'mean ms'],
      Object.entries(sdk).map(([k, v]) => [k, v.count, v.meanMs ?? '']),
    ),
  ].join('\n');
  writeResults('throughput', 'npm run bench:throughput', m, settings, figures, md);
  if (ours.failed.length) process.exitCode = 1;
} finally {
  await sys.stop();
}

/**
 * The Flowable peer's figures (`../shared/peers/flowable`, `bench.sh … --json` → its
 * `results/<time>.json`), when `FLOWABLE_RESULT` names that file: recorded beside ours.
 */
function readFlowable() {
  const file = process.env.FLOWABLE_RESULT;
  if (!file) return null;
  const r = JSON.parse(readFileSync(file, 'utf8')) as FlowableResult;
  const step = r.latency_ms.act ?? r.latency_ms.complete;
  const cpuMsPerAction = Object.fromEntries(
    Object.entries(r.cpu_s).map(([k, s]) => [
      k.startsWith('driver') ? 'driver' : k,
      Math.round(((s * 1000) / r.actions) * 100) / 100,
    ]),
  );
  return {
    source: file,
    actionsPerS: r.actions_per_s,
    casesPerS: r.cases_per_s,
    stepP50Ms: step?.p50,
    stepP99Ms: step?.p99,
    cpuMsPerAction,
    settings: r.settings,
  };
}

interface FlowableResult {
  actions: number;
  actions_per_s: number;
  cases_per_s: number;
  latency_ms: Record<string, { p50: number; p99: number }>;
  cpu_s: Record<string, number>;
  settings: unknown;
}
