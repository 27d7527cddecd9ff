// Benchmark 4 (`npm run bench:read-model`): the read model at scale. A separate embedded PostgreSQL
// in a temporary folder (never the user's database) gets the demo county and CASES case rows (OPEN
// of them open) generated in SQL; the real API (in this process, no Temporal needed for reads)
// answers the supervisor board, a unit's inbox and filtered lists, timed over HTTP. Then the same
// requests run once more with auto_explain on, which logs EXPLAIN (ANALYZE, BUFFERS) of exactly
// the SQL the routes run, and the plans are checked for index use.
// First: the API's zod (with .openapi) must be set up before any schema module is evaluated.
import { startApiServer } from '../runtime/api-server';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Server } from 'node:http';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../config';
import { openDatabase, runMigrations, type Database } from '../db';
import { seedDemoCounty } from '../db/seed/seed';
import { startEmbeddedPostgres } from '../runtime/embedded-postgres';
import { freePort } from '../runtime/free-port';
import { ApiClient } from './lib/api-client';
import { announce, Latencies, latencyTable, readSettings, table, writeResults } from './lib/report';

const spec = {
  cases: { default: 1_000_000, help: 'case rows generated' },
  open: { default: 100_000, help: 'of which open' },
  runs: { default: 30, help: 'timed requests per query' },
};
const settings = readSettings(spec);
const m = announce('read model at scale', spec, settings);

/** The requests a supervisor, a unit and a list user make; each is a route the console calls. */
const QUERIES: { label: string; user: string; path: string }[] = [
  { label: 'board (county supervisor)', user: 'lk.supervisor', path: '/api/v1/board' },
  { label: 'board (township supervisor)', user: 't01.supervisor', path: '/api/v1/board' },
  { label: 'inbox (village handlers)', user: 't01.v01.handler', path: '/api/v1/inbox?pageSize=20' },
  {
    label: 'list: open red incidents, county',
    user: 'lk.supervisor',
    path: '/api/v1/cases?process=incident&open=true&colour=red&pageSize=20',
  },
  {
    label: 'list: open cases of one unit, township',
    user: 't01.supervisor',
    path: '/api/v1/cases?unitId=lk.t01.v01&open=true&pageSize=20',
  },
  { label: 'list: overdue, own unit', user: 't01.v01.handler', path: '/api/v1/cases?overdue=true&pageSize=20' },
  {
    label: 'list: page 5 of all approvals, county',
    user: 'lk.supervisor',
    path: '/api/v1/cases?process=approval&page=5&pageSize=20',
  },
];

async function generate(database: Database, cases: number, open: number): Promise<number> {
  const started = performance.now();
  const db = database.db;
  // Cases land on real units (everything below a township, and the departments), owned by the township.
  await db.execute(sql`create temporary table if not exists _bench_units as
    select row_number() over (order by id) as i, id, coalesce(nullif(split_part(path, '/', 2), ''), id) as owner
    from org_units where kind not in ('county')`);
  await db.execute(sql`select setseed(0.42)`);
  await db.execute(sql`
    insert into cases (id, process, title, status, current_step, level, unit_id, owner_unit_id, colour, deadline, calendar_warnings, data, projected_seq, created_at, updated_at, closed_at)
    select 'BM-' || lpad(g::text, 8, '0'),
      (array['approval','incident','task'])[1 + g % 3]::process_type,
      '压测案件 ' || g,
      case when g % ${Math.max(1, Math.round(cases / open))} = 0
        then (array['in-progress','dispatched','open'])[1 + g % 3]
        else (array['concluded','closed','done'])[1 + g % 3] end,
      null,
      case when g % 3 = 1 then 1 + (g / 3) % 4 else null end,
      u.id, u.owner,
      -- An open case past its deadline is red, as its workflow projects it within its timer's lateness.
      case when g % ${Math.max(1, Math.round(cases / open))} = 0 and (g * 13) % 2000 <= 400 then 'red'
        else (array['green','green','green','blue','yellow','red'])[1 + (g * 7) % 6] end::clock_level,
      now() + (((g * 13) % 2000) - 400) * interval '1 hour',
      '[]'::jsonb, jsonb_build_object('bench', true), 1,
      now() - ((g * 17) % 525600) * interval '1 minute',
      now() - ((g * 17) % 525600) * interval '1 minute',
      case when g % ${Math.max(1, Math.round(cases / open))} = 0 then null else now() - ((g * 11) % 1000) * interval '1 minute' end
    from generate_series(1, ${cases}) g
    join _bench_units u on u.i = 1 + g % (select count(*) from _bench_units)`);
  await db.execute(sql`insert into case_units (case_id, unit_id, relation)
    select id, unit_id, 'responsible' from cases where id like 'BM-%'
    union all select id, owner_unit_id, 'owner' from cases where id like 'BM-%' and owner_unit_id <> unit_id`);
  await db.execute(sql`insert into case_assignments (case_id, unit_id, role, user_id, actions)
    select id, unit_id, 'handler', '', '["sign","resolve"]'::jsonb from cases where id like 'BM-%' and closed_at is null`);
  await db.execute(sql`insert into case_clocks (case_id, key, label, state, level, deadline, budget, consumed)
    select id, 'case', '时限', 'running', colour, deadline, '{"unit":"workday","amount":5}'::jsonb, '0'::jsonb from cases where id like 'BM-%' and closed_at is null`);
  // What autovacuum does on a live database within minutes of such a load: the visibility map
  // (index-only scans) and the board's counters and roll-ups free of dead versions from the bulk insert.
  await db.execute(sql`vacuum analyze`);
  return performance.now() - started;
}

interface Plan {
  query: string;
  plan: string;
  usesIndex: boolean;
  seqScans: string[];
}

/** Split auto_explain's log output into query + plan, keeping those that read case tables. */
function parsePlans(log: string): Plan[] {
  return log
    .split(/LOG:\s+duration: [\d.]+ ms\s+plan:/)
    .slice(1)
    .map((chunk) => {
      const text = chunk.split(/\n\S*\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[^\n]*(LOG|STATEMENT|ERROR):/)[0]!.trim();
      const [, query = '', plan = ''] = /Query Text:([\s\S]*?)\n(\s*[A-Z][\s\S]*)$/.exec(text) ?? [];
      const seqScans = [...plan.matchAll(/Seq Scan on (\w+)/g)].map((x) => x[1]!);
      return {
        query: query.trim().replace(/\s+/g, ' '),
        plan: plan.replace(/^\t/gm, ''),
        usesIndex: /Index (Only )?Scan|Bitmap Index Scan/.test(plan),
        seqScans,
      };
    })
    .filter((p) =>
      /\b(cases|case_units|case_assignments|case_clocks|case_board_counts|case_board_days)\b/.test(p.query),
    );
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'township-readmodel-'));
chmodSync(dir, 0o755);
let pgLog = '';
const pg = await startEmbeddedPostgres({
  dir: path.join(dir, 'pg'),
  port: await freePort(),
  database: 'township_readmodel',
  log: (line) => void (pgLog += `${line}\n`),
});
const servers: Server[] = [];
const pools: Database[] = [];
try {
  const database = openDatabase(pg.url, { max: 10 });
  pools.push(database);
  await runMigrations(database.db);
  await seedDemoCounty(database.db);
  console.log(`[bench] generating ${settings.cases} cases (${settings.open} open)…`);
  const generateMs = await generate(database, settings.cases, settings.open);
  const [counts] = (
    await database.db.execute<{ total: number; open: number; units: number; assignments: number }>(sql`select
    (select count(*) from cases)::int as total, (select count(*) from cases where closed_at is null)::int as open,
    (select count(*) from case_units)::int as units, (select count(*) from case_assignments)::int as assignments`)
  ).rows;
  console.log(`[bench] generated in ${(generateMs / 1000).toFixed(1)} s: ${JSON.stringify(counts)}`);

  const startApi = async (db: Database) => {
    const port = await freePort();
    const config = loadConfig({
      APP_ENV: 'development',
      DEV_LOGIN: 'on',
      LOG_LEVEL: 'silent',
      DATABASE_URL: pg.url,
      PORT: String(port),
      DATA_DIR: dir,
    });
    // Reads need no Temporal: a lazy client that never connects.
    const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
    servers.push(await startApiServer(config, db, temporal, pino({ level: 'silent' })));
    return new ApiClient(`http://127.0.0.1:${port}`);
  };
  const client = await startApi(database);
  const latencies = new Latencies();
  const skipped: string[] = [];
  const totals: Record<string, number> = {};
  for (const q of QUERIES) {
    const first = await client.request('GET', q.path, { user: q.user });
    if (first.status === 404 && (first.body as { code?: string }).code === 'no-route') {
      skipped.push(`${q.label}: ${q.path} is not in the API yet`);
      continue;
    }
    if (first.status !== 200)
      throw new Error(`${q.label}: ${first.status} ${JSON.stringify(first.body).slice(0, 300)}`);
    totals[q.label] =
      (first.body as { total?: number; counts?: { total: number } }).total ??
      (first.body as { counts?: { total: number } }).counts?.total ??
      -1;
    for (let i = 0; i < settings.runs; i += 1) {
      const res = await client.request('GET', q.path, { user: q.user });
      if (res.status !== 200) throw new Error(`${q.label}: ${res.status}`);
      latencies.record(q.label, res.ms);
    }
  }

  // The plans: new sessions of this database load auto_explain and log every statement's plan.
  await database.db.execute(
    sql.raw(`alter database township_readmodel set session_preload_libraries = 'auto_explain'`),
  );
  for (const [k, v] of [
    ['log_min_duration', '0'],
    ['log_analyze', 'on'],
    ['log_buffers', 'on'],
    ['log_timing', 'on'],
    ['log_nested_statements', 'on'],
  ]) {
    await database.db.execute(sql.raw(`alter database township_readmodel set auto_explain.${k} = '${v}'`));
  }
  const explainDb = openDatabase(pg.url, { max: 1 });
  pools.push(explainDb);
  const explainClient = await startApi(explainDb);
  const plans: Record<string, Plan[]> = {};
  for (const q of QUERIES) {
    if (skipped.some((s) => s.startsWith(q.label))) continue;
    await explainClient.request('GET', q.path, { user: q.user });
    await new Promise((r) => setTimeout(r, 300));
    plans[q.label] = parsePlans(pgLog);
    pgLog = '';
  }
  await database.db.execute(sql.raw(`alter database township_readmodel reset all`));

  const summaries = latencies.all();
  const withoutIndex = Object.entries(plans).flatMap(([label, ps]) =>
    ps
      .filter((p) => p.seqScans.some((t) => /^case/.test(t)))
      .map((p) => ({ label, query: p.query.slice(0, 200), seqScans: p.seqScans })),
  );
  const figures = {
    generateS: Math.round(generateMs) / 1000,
    counts,
    latencyMs: summaries,
    totals,
    skipped,
    seqScansOnCaseTables: withoutIndex,
    plans,
  };
  const md = [
    `Generated ${counts?.total} cases (${counts?.open} open), ${counts?.units} case-unit rows, ${counts?.assignments} assignments in ${figures.generateS} s.`,
    '',
    latencyTable(summaries, (l) => [totals[l] ?? ''], ['rows matched']),
    '',
    ...(skipped.length ? ['Not measured:', '', ...skipped.map((s) => `- ${s}`), ''] : []),
    '## Query plans (EXPLAIN ANALYZE, BUFFERS, through auto_explain)',
    '',
    table(
      ['request', 'statements on case tables', 'with an index scan', 'sequential scans on case tables'],
      Object.entries(plans).map(([label, ps]) => [
        label,
        ps.length,
        ps.filter((p) => p.usesIndex).length,
        ps.flatMap((p) => p.seqScans.filter((t) => /^case/.test(t))).join(', ') || 'none',
      ]),
    ),
    '',
    ...Object.entries(plans).flatMap(([label, ps]) => [
      `<details><summary>${label}</summary>`,
      '',
      ...ps.flatMap((p) => ['```', p.query.slice(0, 600), '', p.plan, '```', '']),
      '</details>',
      '',
    ]),
  ].join('\n');
  writeResults('read-model', 'npm run bench:read-model', m, settings, figures, md);
} finally {
  for (const s of servers) await new Promise((r) => s.close(r));
  for (const p of pools) await p.close();
  await pg.stop();
  rmSync(dir, { recursive: true, force: true });
}
