// Benchmark 3 (`npm run bench:day`): replay one day of the Lankao county grid platform through the
// API. INCIDENTS events arrive evenly over a working day compressed into DAY_S seconds (28800 = a
// real 8-hour day); each is meant to end at a final level drawn from the seeds' mix (一级 47%,
// 二级 25%, 三级 25%, 四级 3%). Levels are reached the way a late unit reaches them: the level's limit
// (set to LIMIT_S for the bench category through the admin API) expires and the timer escalates
// the event; at its final level the holder signs and resolves, and the grid worker (the village for
// L1) verifies on site. Reported: wall time, and how late the escalation timers fired.
import { inArray } from 'drizzle-orm';
import { cases } from '../db/schema';
import { ApiClient } from './lib/api-client';
import { announce, percentiles, readSettings, sleep, table, writeResults } from './lib/report';
import { startSystem } from './lib/system';

const spec = {
  incidents: { default: 2_100, help: 'events in the day (Lankao: ~2,100/day)' },
  dayS: { default: 1_200, help: 'the working day compressed into this many seconds (28800 = real time)' },
  limitS: { default: 60, help: 'each level’s time limit for the bench category, in seconds' },
  pollS: { default: 2, help: 'how often a waiting holder looks at its event' },
};
const settings = readSettings(spec);
const m = announce('a real day — Lankao grid platform replay', spec, settings);

const MIX: [level: 1 | 2 | 3 | 4, share: number][] = [
  [1, 0.47],
  [2, 0.25],
  [3, 0.25],
  [4, 0.03],
];
const CATEGORY = 'dispute';
const GRID = 'lk.t01.v01.g01';
const GRID_WORKER = 't01.v01.g01.grid';
/** Who holds the event at each level in the demo county (dispute → 司法局 at L4). */
const HOLDER = { 1: GRID_WORKER, 2: 't01.v01.handler', 3: 't01.handler', 4: 'sfj.handler' } as const;

/** The final level of event i: a stratified draw, so any prefix of the day has the mix. */
function finalLevel(i: number, n: number): 1 | 2 | 3 | 4 {
  const x = (((i * 0.6180339887) % 1) + 0.5 / n) % 1;
  let acc = 0;
  for (const [level, share] of MIX) {
    acc += share;
    if (x < acc) return level;
  }
  return 4;
}

interface LateUnit {
  level: number;
  deadline: string | null;
  at: string;
}

const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`) });
try {
  const client = new ApiClient(sys.apiUrl);
  const call = async (user: string, method: string, path: string, body?: unknown, expected = 200) => {
    const res = await client.request(method, path, { user, body });
    if (res.status !== expected)
      throw new Error(`${user} ${method} ${path}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body as Record<string, unknown>;
  };
  for (let level = 1; level <= 4; level += 1) {
    await call('admin', 'PUT', `/api/v1/incident-config/time-limits/${CATEGORY}/normal/${level}`, {
      limit: { unit: 'minute', amount: settings.limitS / 60 },
      reason: '压测：缩短时限 / bench: short limits',
    });
  }
  await Promise.all(
    Object.values(HOLDER)
      .concat('t01.v01.handler')
      .map((u) => client.token(u)),
  );

  const lateness: number[] = [];
  const arrivalLag: number[] = [];
  const failures: string[] = [];
  const reached = { 1: 0, 2: 0, 3: 0, 4: 0 };
  const started = Date.now();
  const gapMs = (settings.dayS * 1_000) / settings.incidents;

  // One watcher reads the levels of all waiting events from the read model (as the units' inboxes would).
  const waiting = new Map<string, { target: number; resolve: () => void }>();
  let replaying = true;
  const watcher = (async () => {
    while (replaying) {
      await sleep(settings.pollS * 1_000);
      if (waiting.size === 0) continue;
      const rows = await sys.database.db
        .select({ id: cases.id, level: cases.level })
        .from(cases)
        .where(inArray(cases.id, [...waiting.keys()]));
      for (const row of rows) {
        const w = waiting.get(row.id);
        if (w && (row.level ?? 0) >= w.target) {
          waiting.delete(row.id);
          w.resolve();
        }
      }
    }
  })();

  const runEvent = async (i: number) => {
    const target = finalLevel(i, settings.incidents);
    const due = started + i * gapMs;
    await sleep(due - Date.now());
    arrivalLag.push(Date.now() - due);
    // Entered by the township dispatcher at L1 (a grid worker's own report starts at the village), so every level can be where it ends.
    const view = await call(
      't01.dispatcher',
      'POST',
      '/api/v1/incidents',
      {
        source: 'patrol',
        categoryCode: CATEGORY,
        gridId: GRID,
        level: 1,
        title: `一日回放 ${i}`,
        description: '回放事件',
        location: { address: '城关镇胡寨村' },
      },
      201,
    );
    const id = view.caseId as string;
    const actions = `/api/v1/incidents/${id}/actions`;
    // The late units wait; the timer escalates the event until it reaches its final level.
    if (target > 1) await new Promise<void>((resolve) => waiting.set(id, { target, resolve }));
    const holder = HOLDER[target];
    await call(holder, 'POST', actions, { type: 'sign' });
    await call(holder, 'POST', actions, {
      type: 'resolve',
      result: '已处置',
      evidence: ['photo:after'],
      noPhotoReason: '照片已线下存档',
    });
    const closed = await call(target === 1 ? 't01.v01.handler' : GRID_WORKER, 'POST', actions, {
      type: 'verify',
      passed: true,
      note: '现场核查属实',
    });
    reached[closed.finalLevel as 1 | 2 | 3 | 4] += 1;
    for (const late of closed.lateUnits as LateUnit[]) {
      if (late.deadline) lateness.push(Date.parse(late.at) - Date.parse(late.deadline));
    }
  };
  console.log(`[bench] replaying ${settings.incidents} events over ${settings.dayS} s…`);
  await Promise.all(
    Array.from({ length: settings.incidents }, (_, i) =>
      runEvent(i).catch((err: unknown) => {
        failures.push(err instanceof Error ? err.message : String(err));
      }),
    ),
  );
  const wallS = (Date.now() - started) / 1000;
  replaying = false;
  await watcher;
  const late = percentiles(lateness);
  const lag = percentiles(arrivalLag);
  const total = Object.values(reached).reduce((a, b) => a + b, 0);
  const share = (n: number) => (total ? `${Math.round((n / total) * 1000) / 10}%` : '');
  const figures = {
    events: settings.incidents,
    closed: total,
    failed: failures.length,
    failures: failures.slice(0, 10),
    wallS,
    byFinalLevel: reached,
    escalationTimers: lateness.length,
    timerLatenessMs: late,
    arrivalLagMs: lag,
  };
  const md = [
    table(
      [
        'events',
        'closed',
        'failed',
        'wall s',
        'auto escalations',
        'timer lateness p50 ms',
        'p99 ms',
        'max ms',
        'report lag p99 ms',
      ],
      [[settings.incidents, total, failures.length, wallS, lateness.length, late.p50, late.p99, late.max, lag.p99]],
    ),
    '',
    table(
      ['final level', '一级', '二级', '三级', '四级'],
      [
        ['events', reached[1], reached[2], reached[3], reached[4]],
        [
          'share (seeds: 47% / 25% / 25% / 3%)',
          share(reached[1]),
          share(reached[2]),
          share(reached[3]),
          share(reached[4]),
        ],
      ],
    ),
    '',
    'Lateness = the automatic escalation’s instant (recorded by the workflow when its timer fired) minus the level’s deadline. Report lag = how late an event was reported against its slot in the day (the load generator keeping up).',
    ...(failures.length ? ['', 'Failures (first 10):', '', ...failures.slice(0, 10).map((f) => `- ${f}`)] : []),
  ].join('\n');
  writeResults('day', 'npm run bench:day', m, settings, figures, md);
  if (failures.length) process.exitCode = 1;
} finally {
  await sys.stop();
}
