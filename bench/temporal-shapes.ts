// What the Temporal server spends per action on each thing a case does besides its own logic
// (`npm run bench:temporal-shapes`): the bare no-op workflow of bench/bare, then the same with one
// feature of bench/bare/shaped.ts at a time (an SLA timer restarted per update, case-sized inputs
// and answers, four patched() calls, a local activity per update), then all together — each driven
// like the throughput bench (update-with-start, then one update per step, N concurrent users), in
// alternating rounds on one dev server. Prints Temporal's and the worker's CPU ms per action.
import { announce, readSettings, table, writeResults } from './lib/report';
import { startSystem } from './lib/system';
import { runBare, startBare } from './bare/driver';
import { SHAPES, type Shape } from './bare/shaped';
import { cpuPerAction, cpuSnapshot } from './lib/cpu';
import { serverFigures, serverTable } from './lib/costs';

const spec = {
  cases: { default: 80, help: 'workflows per variant and round' },
  steps: { default: 7, help: 'updates per workflow after its start (the approval scenario has 7)' },
  concurrency: { default: 8, help: 'concurrent virtual users' },
  rounds: { default: 3, help: 'rounds over the variants (the median is reported)' },
};
const settings = readSettings(spec);
const m = announce('temporal-shapes — what a case’s extras cost the Temporal server', spec, settings);

const variants: [string, Shape[] | undefined][] = [
  ['no-op (bench/bare)', undefined],
  ...SHAPES.map((s): [string, Shape[]] => [`+ ${s}`, [s]]),
  ['+ all four', [...SHAPES]],
];

const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`) });
try {
  const queue = 'bare-shapes';
  const { worker, client: temporal } = await startBare(sys, queue);
  const pids = () => ({ temporal: sys.pids().temporal, worker: worker.pid });
  const plan = Array.from({ length: settings.cases }, () => settings.steps);
  const samples = new Map<string, { temporal: number; worker: number; actionsPerS: number }[]>();
  const scrape = async () => (sys.temporalMetricsUrl ? (await fetch(sys.temporalMetricsUrl)).text() : '');
  const persistence: Record<string, Record<string, number>> = {};
  for (const [, shapes] of variants) await runBare(temporal, queue, plan.slice(0, 8), 8, shapes); // warm-up
  for (let r = 0; r < settings.rounds; r += 1) {
    for (const [name, shapes] of variants) {
      const metricsBefore = await scrape();
      const before = cpuSnapshot(pids());
      const run = await runBare(temporal, queue, plan, settings.concurrency, shapes);
      const actions = run.starts + run.updates;
      if (r === 0) persistence[name] = serverFigures(metricsBefore, await scrape(), actions).persistence;
      const cpu = cpuPerAction(before, cpuSnapshot(pids()), actions);
      const list = samples.get(name) ?? [];
      list.push({ temporal: cpu.temporal!, worker: cpu.worker!, actionsPerS: actions / (run.wallMs / 1000) });
      samples.set(name, list);
      console.log(`[bench] round ${r + 1} ${name}: ${JSON.stringify(list.at(-1))}`);
    }
  }
  await temporal.connection.close();

  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const figures = Object.fromEntries(
    [...samples].map(([name, xs]) => [
      name,
      {
        temporalCpuMsPerAction: round2(median(xs.map((x) => x.temporal))),
        workerCpuMsPerAction: round2(median(xs.map((x) => x.worker))),
        actionsPerS: round2(median(xs.map((x) => x.actionsPerS))),
        rounds: xs,
      },
    ]),
  );
  const base = figures['no-op (bench/bare)']!.temporalCpuMsPerAction;
  const body = table(
    ['variant', 'Temporal CPU ms / action', 'over no-op', 'worker CPU ms / action', 'actions/s'],
    Object.entries(figures).map(([name, f]) => [
      name,
      f.temporalCpuMsPerAction,
      round2(f.temporalCpuMsPerAction - base),
      f.workerCpuMsPerAction,
      f.actionsPerS,
    ]),
  );
  const ops = serverTable(persistence);
  console.log(`${body}\n\nPersistence operations per action (first round):\n\n${ops}`);
  writeResults(
    'temporal-shapes',
    'npm run bench:temporal-shapes',
    m,
    settings,
    { variants: figures, persistencePerAction: persistence },
    `${body}\n\nPersistence operations per action (first round):\n\n${ops}\n`,
  );
} finally {
  await sys.stop();
}
