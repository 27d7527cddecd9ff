// One fault test: bring the system up in separate processes, drive cases through the API with a
// client that retries what got no answer, inject a fault while they are in flight, restore, then
// check every case (bench/lib/verify.ts) and print PASS or FAIL.
import { ApiClient } from '../lib/api-client';
import { announce, readSettings, table, writeResults } from '../lib/report';
import { startSystem, type SystemUnderTest } from '../lib/system';
import { verifyCases } from '../lib/verify';
import { runWorkload, scenarioMix } from '../lib/workload';

const baseSpec = {
  cases: { default: 500, help: 'cases driven through every step' },
  concurrency: { default: 500, help: 'virtual users (= cases in flight at once)' },
  retryForS: {
    default: 180,
    help: 'how long a virtual user keeps retrying one request that got 503 or no answer before its case counts as failed',
  },
};

type Spec = Record<string, { default: number; help: string }>;

export interface FaultContext<S extends Spec> {
  sys: SystemUnderTest;
  settings: { [K in keyof S | keyof typeof baseSpec]: number };
  /** True once the workload has finished: stop injecting. */
  finished(): boolean;
  note(line: string): void;
}

/**
 * Run fault test `name`: `inject` runs alongside the workload, returns how many faults it injected
 * while cases were in flight (none is a failure: nothing was tested), and must leave the system
 * whole (everything restarted).
 */
export async function runFaultTest<S extends Spec>(
  name: string,
  title: string,
  spec: S,
  inject: (ctx: FaultContext<S>) => Promise<number>,
): Promise<void> {
  const fullSpec = { ...baseSpec, ...spec };
  const settings = readSettings(fullSpec) as FaultContext<S>['settings'];
  const m = announce(`fault: ${title}`, fullSpec, settings);
  const mix = scenarioMix(process.env.BENCH_MIX ?? 'approval,incident,summons');
  const notes: string[] = [];
  const note = (line: string) => {
    const stamped = `${new Date().toISOString().slice(11, 23)} ${line}`;
    notes.push(stamped);
    console.log(`[fault] ${stamped}`);
  };
  const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`) });
  let passed = false;
  try {
    const client = new ApiClient(sys.apiUrl);
    const since = new Date(Date.now() - 1_000);
    let finished = false;
    const workload = runWorkload({
      client,
      mix,
      cases: settings.cases,
      concurrency: settings.concurrency,
      resilient: true,
      retryForMs: settings.retryForS * 1_000,
      tag: name,
    }).finally(() => void (finished = true));
    const injected = inject({ sys, settings, finished: () => finished, note });
    const [result, faults] = await Promise.all([workload, injected]);
    note(
      `workload done: ${result.cases.length} cases, ${result.actions} actions, ${result.retries} retried requests, ${result.failed.length} failed cases in ${(result.wallMs / 1000).toFixed(1)} s`,
    );
    const verdict = await verifyCases(client, sys.database.db, result.cases, since);
    const openUntracked = verdict.untracked.filter((u) => !u.closed);
    const retryReasons: Record<string, number> = {};
    for (const reason of result.cases.flatMap((c) => c.retryReasons))
      retryReasons[reason] = (retryReasons[reason] ?? 0) + 1;
    // Every request carries an Idempotency-Key, so a retried start must not open a second case.
    passed =
      faults > 0 &&
      result.failed.length === 0 &&
      verdict.bad.length === 0 &&
      verdict.untracked.length === 0 &&
      result.cases.length === settings.cases;
    const figures = {
      passed,
      faultsInFlight: faults,
      cases: result.cases.length,
      actions: result.actions,
      retriedRequests: result.retries,
      retryReasons,
      failedCases: result.failed.slice(0, 20),
      badCases: verdict.bad.slice(0, 20),
      badCount: verdict.bad.length,
      untrackedCases: verdict.untracked,
      wallS: Math.round(result.wallMs) / 1000,
      events: notes,
    };
    const md = [
      `**${passed ? 'PASS' : 'FAIL'}** — ${title}`,
      '',
      table(
        [
          'faults in flight',
          'cases driven',
          'actions',
          'retried requests',
          'failed cases',
          'cases with problems',
          'untracked cases (open)',
          'wall s',
        ],
        [
          [
            faults,
            result.cases.length,
            result.actions,
            result.retries,
            result.failed.length,
            verdict.bad.length,
            `${verdict.untracked.length} (${openUntracked.length})`,
            figures.wallS,
          ],
        ],
      ),
      '',
      'Checked per case, and for a summons also per child case (one per summoned department): projected status is the final one and the case is closed; projection status (and level) equal the workflow’s own query; audit chain verifies; audit sequence has no gap; the human actions in the audit are exactly the driven ones, each once.',
      '',
      `Retried requests by first answer: ${
        Object.entries(retryReasons)
          .map(([r, n]) => `${r} ×${n}`)
          .join(', ') || 'none'
      }.`,
      '',
      'Untracked cases are cases the driven requests do not account for (e.g. a retried start that opened a second case); every request carries an Idempotency-Key, so any is a failure.',
      '',
      ...(verdict.bad.length
        ? [
            'Problems (first 20):',
            '',
            ...verdict.bad.slice(0, 20).map((b) => `- ${b.caseId} (${b.scenario}): ${b.problems.join('; ')}`),
            '',
          ]
        : []),
      ...(result.failed.length
        ? ['Failed cases (first 20):', '', ...result.failed.slice(0, 20).map((f) => `- ${f.scenario}: ${f.error}`), '']
        : []),
      'Events:',
      '',
      ...notes.map((n) => `- ${n}`),
    ].join('\n');
    writeResults(`fault-${name}`, `npm run fault -- ${name}`, m, settings, figures, md);
  } finally {
    await sys.stop();
  }
  console.log(`\n${passed ? 'PASS' : 'FAIL'} fault-${name}`);
  process.exitCode = passed ? 0 : 1;
}

/** A random duration in [minMs, maxMs). */
export const randomMs = (minMs: number, maxMs: number) => minMs + Math.random() * (maxMs - minMs);
