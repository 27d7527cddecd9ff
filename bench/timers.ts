// Benchmark 5 (`npm run bench:timers`): timers at scale. CASES open rectification tasks are
// created through the API with natural-minute budgets chosen so that every deadline falls inside
// the same minute; then: how long until every one has turned red and sent its 督办 (the task's
// escalation), how late each timer fired (the red transition's instant minus the deadline), and
// the worker's resident memory meanwhile.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { DEFAULT_SLA_THRESHOLDS } from '../domain/sla-clock';
import os from 'node:os';
import { ApiClient } from './lib/api-client';
import { cpuPerAction, cpuSnapshot } from './lib/cpu';
import { byLabel, sdkFigures, serverFigures, stageFigures } from './lib/costs';
import { announce, percentiles, readSettings, sleep, table, writeResults } from './lib/report';
import { residentMiB, startSystem } from './lib/system';
import { waitUntil } from './lib/verify';

const spec = {
  cases: { default: 1_000, help: 'open cases whose deadlines expire within the same minute (issue figure: 10000)' },
  concurrency: { default: 16, help: 'concurrent users creating them' },
  spreadS: { default: 59, help: 'seconds from the first deadline to the last (issue: within one minute)' },
  leadS: { default: 0, help: 'seconds from the start of creation to the first deadline (0 = estimate from a probe)' },
  timeoutS: { default: 1_800, help: 'give up waiting for escalation after this long' },
};
const settings = readSettings(spec);
const m = announce('timers at scale', spec, settings);

/**
 * The lead time (creation start → first deadline) that keeps the colour waves apart. A task created
 * at c with deadline D turns blue at c + 0.5·(D − c), yellow at c + 0.8·(D − c), red at D, so every
 * wave of N transitions lands within a short window and takes about as long as creating N cases
 * (one workflow task each). Each wave must start after the previous one is done and the last must
 * be done before the deadline minute: lead ≥ creation time / the smallest gap between thresholds
 * (0.5, 0.3, 0.2 → 5×). With 1.6× the waves piled onto creation and a 10,000 run starved.
 */
function leadForColourWaves(creationMs: number): number {
  const { blue, yellow, red } = DEFAULT_SLA_THRESHOLDS;
  return creationMs / Math.min(blue, yellow - blue, red - yellow);
}

/** The title prefix of the measured cases (the probe's are not counted). */
const TITLE = '定时压测#';

const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`), stageTiming: true });

/**
 * Where each phase's time went: its wall time, the CPU milliseconds of every process per case
 * (bench/lib/cpu.ts), the load average at its end (the box is shared), the worker's request stages
 * and its Temporal SDK metrics (sticky-cache hits and misses, workflow-task latencies).
 */
interface PhaseFigures {
  wallS: number;
  cpuMsPerCase: Record<string, number>;
  loadAverageAtEnd: number[];
  stages: ReturnType<typeof stageFigures>;
  sdk: ReturnType<typeof sdkFigures>;
  /** The dev server's gRPC requests per case by operation (`serverFigures`). */
  serverRequestsPerCase: Record<string, number>;
  /** Tasks the server's matching service queued, on the task queue itself or a worker's sticky queue. */
  tasksQueued: { normal: number; sticky: number };
}
const phases: Record<string, PhaseFigures> = {};
const tasksQueued = (text: string) => {
  let normal = 0;
  let sticky = 0;
  for (const [partition, n] of byLabel(text, 'tasks_added', 'partition'))
    if (partition === '__sticky__') sticky += n;
    else normal += n;
  return { normal, sticky };
};
let phaseMark = {
  at: performance.now(),
  cpu: cpuSnapshot(sys.pids()),
  metrics: await sys.workerMetrics(),
  server: await sys.serverMetrics(),
};
await sys.drainStageTimings();
async function endPhase(name: string, cases: number): Promise<void> {
  const at = performance.now();
  const cpu = cpuSnapshot(sys.pids());
  const metrics = await sys.workerMetrics();
  const server = await sys.serverMetrics();
  const stages = stageFigures(await sys.drainStageTimings(), Math.max(1, cases));
  const [queuedBefore, queuedAfter] = [tasksQueued(phaseMark.server), tasksQueued(server)];
  phases[name] = {
    wallS: Math.round(at - phaseMark.at) / 1000,
    cpuMsPerCase: cpuPerAction(phaseMark.cpu, cpu, Math.max(1, cases)),
    loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    stages,
    sdk: sdkFigures(phaseMark.metrics, metrics),
    serverRequestsPerCase: serverFigures(phaseMark.server, server, Math.max(1, cases)).service,
    tasksQueued: {
      normal: queuedAfter.normal - queuedBefore.normal,
      sticky: queuedAfter.sticky - queuedBefore.sticky,
    },
  };
  console.log(
    `[bench] ${name}: ${phases[name].wallS} s, CPU ms per case ${JSON.stringify(phases[name].cpuMsPerCase)}, load ${phases[name].loadAverageAtEnd.join(' ')}`,
  );
  phaseMark = { at, cpu, metrics, server };
}
const memory: { t: number; mib: number }[] = [];
const t0 = performance.now();
const sampler = setInterval(() => {
  const mib = residentMiB(sys.workerPid());
  if (mib !== null) memory.push({ t: Math.round(performance.now() - t0), mib: Math.round(mib) });
}, 1_000);
try {
  const client = new ApiClient(sys.apiUrl);
  await client.token('lk.supervisor');
  let retriedCreations = 0;
  const create = async (i: number, deadline: number) => {
    const amount = (deadline - Date.now()) / 60_000;
    if (amount <= 0) throw new Error(`creation fell behind the deadlines at case ${i}: raise LEAD_S`);
    const body = {
      title: i < 0 ? `定时压测探测 ${-i}` : `${TITLE}${i}`,
      description: '到期升级',
      unitId: `lk.t0${1 + (Math.abs(i) % 3)}`,
      budget: { unit: 'minute', amount },
    };
    // A busy engine answers 503 after 30 s: retry with the same Idempotency-Key (the case opens once).
    // One user creates them all, faster than the API's writes per user allow (RATE_LIMIT_WRITES_PER_USER,
    // 3,000 a minute): a 429 is waited out as it advises, like any client.
    const idempotencyKey = randomUUID();
    for (let attempt = 1; ; attempt += 1) {
      const res = await client.request('POST', '/api/v1/tasks', { user: 'lk.supervisor', body, idempotencyKey });
      if (res.status === 201) return (res.body as { caseId: string }).caseId;
      const problem = res.body as { code?: string; retryAfterSeconds?: number };
      const busy = res.status === 503 || (res.status === 409 && problem.code === 'request-in-progress');
      const limited = res.status === 429 && typeof problem.retryAfterSeconds === 'number';
      if (!(busy || limited) || attempt >= 30)
        throw new Error(`create task ${i}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      retriedCreations += 1;
      await sleep(limited ? problem.retryAfterSeconds! * 1_000 : 1_000);
    }
  };

  // A probe (not counted) tells how fast cases can be created, to place the deadline minute after the last.
  // It first creates a few cases untimed: a cold API and worker (JIT, pools) made the probe 3–4× slower
  // than the creation that followed, and the lead 3–4× longer than needed.
  let leadMs = settings.leadS * 1_000;
  let probed = 0;
  const probeRun = async (count: number) => {
    const end = probed + count;
    await Promise.all(
      Array.from({ length: Math.min(settings.concurrency, count) }, async () => {
        while (probed < end) await create(-++probed, Date.now() + 3_600_000);
      }),
    );
  };
  if (!leadMs) {
    await probeRun(Math.min(40, settings.cases));
    const probe = Math.min(80, settings.cases);
    const p0 = performance.now();
    await probeRun(probe);
    const perCaseMs = (performance.now() - p0) / probe;
    leadMs = Math.round(leadForColourWaves(perCaseMs * settings.cases) + 30_000);
    console.log(
      `[bench] probe: ${perCaseMs.toFixed(1)} ms per case → first deadline ${Math.round(leadMs / 1000)} s after creation starts`,
    );
  }
  await endPhase('probe', probed);
  const createStart = Date.now();
  const minuteStart = createStart + leadMs;
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: settings.concurrency }, async () => {
      for (let i = next++; i < settings.cases; i = next++)
        ids.push(await create(i, minuteStart + (i * settings.spreadS * 1_000) / settings.cases));
    }),
  );
  const createdMs = Date.now() - createStart;
  await endPhase('creation', ids.length);
  console.log(
    `[bench] created ${ids.length} tasks in ${(createdMs / 1000).toFixed(1)} s; deadlines from ${new Date(minuteStart).toISOString()} for ${settings.spreadS} s`,
  );

  const db = sys.database.db;
  const redCount = async () => {
    const r = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from cases where title like ${`${TITLE}%`} and colour = 'red'`,
    );
    return r.rows[0]!.n;
  };
  const noticeCount = async () => {
    const r = await db.execute<{ n: number }>(
      sql`select count(distinct n.case_id)::int as n from notices n join cases c on c.id = n.case_id where c.title like ${`${TITLE}%`} and n.kind = 'overdue'`,
    );
    return r.rows[0]!.n;
  };
  const memBefore = memory.at(-1)?.mib ?? null;
  const wait = Math.max(0, minuteStart - Date.now());
  console.log(`[bench] waiting ${(wait / 1000).toFixed(0)} s for the deadline minute…`);
  await sleep(wait);
  await endPhase('colour waves', ids.length);
  let lastLog = 0;
  const allRedMs = await waitUntil(
    'every case escalated',
    async () => {
      const [red, noticed] = [await redCount(), await noticeCount()];
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        console.log(`[bench] ${red}/${ids.length} red, ${noticed}/${ids.length} with 督办`);
      }
      return red === ids.length && noticed === ids.length;
    },
    settings.timeoutS * 1_000,
    1_000,
  );
  const lastDeadline = minuteStart + ((settings.cases - 1) * settings.spreadS * 1_000) / settings.cases;
  const afterLastMs = Math.round(Date.now() - lastDeadline);
  await endPhase('escalation', ids.length);

  // Lateness: the red transition's instant (recorded by the workflow when its timer fired) minus the deadline.
  const late = await db.execute<{ ms: number }>(sql`
    select extract(epoch from (min(a.at) - c.deadline)) * 1000 as ms
    from cases c join audit_log a on a.stream_id = c.id and a.action = 'clock.level' and a.after->>'level' = 'red'
    where c.title like ${`${TITLE}%`} group by c.id, c.deadline`);
  const lateness = percentiles(late.rows.map((r) => Number(r.ms)));
  const during = memory.filter((s) => s.t >= minuteStart - createStart);
  const mem = {
    beforeDeadlinesMiB: memBefore,
    peakMiB: Math.max(...memory.map((s) => s.mib)),
    peakDuringEscalationMiB: during.length ? Math.max(...during.map((s) => s.mib)) : null,
    samples: memory,
  };
  const figures = {
    cases: ids.length,
    createS: createdMs / 1000,
    retriedCreations,
    allEscalatedAfterFirstDeadlineS: allRedMs / 1000,
    allEscalatedAfterLastDeadlineS: afterLastMs / 1000,
    latenessMs: lateness,
    escalationsPerS: Math.round((ids.length / (phases.escalation!.wallS || 1)) * 10) / 10,
    workerMemory: mem,
    phases,
  };
  const sdkCount = (p: PhaseFigures, name: string) => p.sdk[name]?.count ?? 0;
  const md = [
    table(
      [
        'open cases',
        'created in s',
        'all escalated, s after the first deadline',
        's after the last deadline',
        'lateness p50 ms',
        'p95 ms',
        'p99 ms',
        'max ms',
        'worker RSS before MiB',
        'peak MiB',
      ],
      [
        [
          ids.length,
          figures.createS,
          figures.allEscalatedAfterFirstDeadlineS,
          figures.allEscalatedAfterLastDeadlineS,
          lateness.p50,
          lateness.p95,
          lateness.p99,
          lateness.max,
          memBefore ?? '',
          mem.peakMiB,
        ],
      ],
    ),
    '',
    `Escalated = the task’s clock projected red and its 督办 (overdue notice) written. Deadlines are spread evenly over ${settings.spreadS} s. Lateness = the red transition’s instant in the audit log minus the projected deadline.`,
    `Creations retried after a 503, a 409 request-in-progress or a 429 (same Idempotency-Key): ${retriedCreations}.`,
    '',
    table(
      [
        'phase',
        'wall s',
        'CPU ms per case: worker',
        'Temporal',
        'PostgreSQL',
        'API',
        'all',
        'load at end',
        'sticky cache hit / miss',
        'workflow tasks',
        'tasks queued: task queue / sticky',
        'history fetches per case',
      ],
      Object.entries(phases).map(([name, p]) => [
        name,
        p.wallS,
        p.cpuMsPerCase.worker ?? '',
        p.cpuMsPerCase.temporal ?? '',
        p.cpuMsPerCase.postgres ?? '',
        p.cpuMsPerCase.api ?? '',
        p.cpuMsPerCase.totalWithoutDriver ?? '',
        p.loadAverageAtEnd.join(' '),
        `${sdkCount(p, 'temporal_sticky_cache_hit')} / ${sdkCount(p, 'temporal_sticky_cache_miss')}`,
        p.sdk.temporal_workflow_task_execution_latency?.count ?? 0,
        `${p.tasksQueued.normal} / ${p.tasksQueued.sticky}`,
        p.serverRequestsPerCase.GetWorkflowExecutionHistory ?? 0,
      ]),
    ),
    '',
    `Escalation: ${figures.escalationsPerS} cases/s over the phase from the first deadline to the last escalated; CPU per case and phase from /proc (each process with its children).`,
  ].join('\n');
  writeResults('timers', 'npm run bench:timers', m, settings, figures, md);
} finally {
  clearInterval(sampler);
  await sys.stop();
}
