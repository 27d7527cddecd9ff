// Fault test 5: fuzz the API from its own OpenAPI document with schemathesis (PyPI, installed into
// .tools/fuzz on first use), once per role that owns operations, each with its own time budget:
// zero 5xx responses, and every status, content type and body as the document says (errors as
// problem+json). `admin` fuzzes every operation; every other role the operations its role may
// call (bench/fault/route-access.ts), with the case actions aimed at fresh real cases so requests
// reach the workflows' validators instead of stopping at 403 or 404.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_USERS } from '../../db/seed/demo-county';
import { ApiClient } from '../lib/api-client';
import { announce, readSettings, table, writeResults } from '../lib/report';
import { ROOT, startSystem } from '../lib/system';
import { SCENARIOS, SUMMONED, type Scenario } from '../lib/workload';
import { operationAccess, operationsOf } from './route-access';

const spec = {
  maxExamples: { default: 25, help: 'examples per operation and phase' },
  // More than one worker hit a CPython 3.11.7 bug in hypothesis (ast.parse from threads: "AST
  // constructor recursion depth mismatch"), a fuzzer error that failed a run.
  workers: { default: 1, help: 'schemathesis workers' },
  budgetS: { default: 30, help: 'time budget of each role but admin (schemathesis --max-time)' },
  adminBudgetS: { default: 120, help: 'time budget of the admin run (every operation)' },
};
/** One user per role that owns operations; both dispatchers (township, county command centre). */
const DEFAULT_USERS =
  'admin,t01.window,t01.dispatcher,t01.leader,t01.v01.g01.grid,t01.v01.handler,scjg.approver,scjg.liaison,zhzx.dispatcher,lk.assessor';
const settings = readSettings(spec);
const m = announce('fault: fuzz the API from its OpenAPI document, once per role (schemathesis)', spec, settings);
const listed = (process.env.FUZZ_USERS ?? DEFAULT_USERS)
  .split(',')
  .map((u) => u.trim())
  .filter(Boolean);
// admin goes last: its fuzz edits users, org units, calendars and configuration (it deactivated
// t01.window when it went first), which must not change the other roles' runs.
const users = [...listed.filter((u) => u !== 'admin'), ...listed.filter((u) => u === 'admin')];
console.log(`  FUZZ_USERS             = ${users.join(',')}`);
const roleOf = (username: string) => {
  const user = DEMO_USERS.find((u) => u.username === username);
  if (!user) throw new Error(`FUZZ_USERS: no demo user ${username}`);
  return user.role;
};

const TOOLS = path.join(ROOT, '.tools', 'fuzz');
const python = ['python3', 'python'].find((py) => spawnSync(py, ['--version']).status === 0);
if (!python) throw new Error('python3 is needed for schemathesis');
if (!existsSync(path.join(TOOLS, 'schemathesis'))) {
  console.log('[fuzz] 从 PyPI 安装 schemathesis 到 .tools/fuzz / installing schemathesis from PyPI into .tools/fuzz…');
  const pip = spawnSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--disable-pip-version-check',
      '--no-warn-script-location',
      '--quiet',
      '--upgrade',
      '--target',
      TOOLS,
      '-r',
      path.join(ROOT, 'bench', 'fault', 'fuzz-tools.txt'),
    ],
    {
      stdio: 'inherit',
      env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
    },
  );
  if (pip.status !== 0) throw new Error('pip install schemathesis failed');
}

type PathParams = Record<string, Record<string, string>>;

/**
 * Fresh cases for one role's run, one per process (a whistle awaiting approval, another approved
 * so its parts exist), and the path parameters that aim each case operation at them.
 */
async function openCases(client: ApiClient, tag: string): Promise<PathParams> {
  const start = async (s: Scenario, n: number) => {
    const res = await client.request('POST', s.start.path, { user: s.start.user, body: s.start.body(`${tag}-${n}`) });
    if (res.status !== 201)
      throw new Error(`open ${s.name} for the fuzz: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return (res.body as { caseId: string }).caseId;
  };
  const { approval, incident, task, summons } = SCENARIOS;
  const [approvalId, incidentId, taskId, awaitingId, summoningId] = await Promise.all(
    [approval, incident, task, summons, summons].map(start),
  );
  const approve = summons.steps[0]!;
  const approved = await client.request('POST', summons.actionsPath(summoningId!), {
    user: approve.user,
    body: approve.body,
  });
  if (approved.status !== 200)
    throw new Error(`approve the fuzz whistle: ${approved.status} ${JSON.stringify(approved.body).slice(0, 300)}`);
  return {
    actOnApproval: { id: approvalId! },
    actOnIncident: { id: incidentId! },
    actOnTask: { id: taskId! },
    actOnSummons: { id: awaitingId! },
    actOnSummonsPart: { id: summoningId!, unitId: SUMMONED[0] },
  };
}

/** A schemathesis config fixing those path parameters per operation. */
function configToml(params: PathParams): string {
  return Object.entries(params)
    .map(([operationId, values]) => {
      const fixed = Object.entries(values).map(
        ([name, value]) => `${JSON.stringify(`path.${name}`)} = ${JSON.stringify(value)}`,
      );
      return `[[operations]]\ninclude-operation-id = ${JSON.stringify(operationId)}\nparameters = { ${fixed.join(', ')} }\n`;
    })
    .join('\n');
}

/** The failed operations in a JUnit report, with the first line of each failure. */
function junitFailures(file: string): string[] {
  if (!existsSync(file)) return [];
  const xml = readFileSync(file, 'utf8');
  const out: string[] = [];
  // A passed operation is a self-closing <testcase …/>; a failed one holds <failure> or <error>.
  for (const [, attributes, content] of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const name = /\bname="([^"]*)"/.exec(attributes!)?.[1] ?? '?';
    const failure = content && /<(failure|error)\b([^>]*)>([\s\S]*?)<\/\1>/.exec(content);
    if (!failure) continue;
    const message = /\bmessage="([^"]*)"/.exec(failure[2]!)?.[1] || failure[3]!;
    const lines = message
      .split(/&#10;|\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    // The failed checks are listed as "- ST101 Server error"; an error has its title first.
    const checks = lines.filter((l) => l.startsWith('- ')).map((l) => l.slice(2));
    out.push(`${name}: ${failure[1]} — ${(checks.length ? checks.join('; ') : (lines[0] ?? '')).slice(0, 300)}`);
  }
  return out;
}

/**
 * Run the fuzzer, echoing and keeping its output. Not spawnSync: a blocked event loop misses the
 * API closing idle keep-alive connections, and the next request on one fails ("other side closed").
 */
function runFuzzer(
  args: string[],
  cwd: string,
  timeoutMs: number,
): Promise<{ status: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(python!, args, {
    cwd,
    env: { ...process.env, PYTHONPATH: TOOLS, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  // The budget bounds the run; the timeout only guards against a hung fuzzer.
  const timer = setTimeout(orphan, timeoutMs);
  const chunks: string[] = [];
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString());
    process.stdout.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      process.removeListener('exit', orphan);
      resolve({ status, signal, out: chunks.join('') });
    });
  });
}

interface RoleRun {
  user: string;
  role: string;
  operations: number | 'all';
  budgetS: number;
  exitCode: number | null;
  wallS: number;
  failures: string[];
  summary: string[];
}

const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`) });
const runs: RoleRun[] = [];
try {
  const client = new ApiClient(sys.apiUrl);
  const access = operationAccess();
  // Every user logs in first, so a misspelt one fails the run before any fuzzing.
  await Promise.all(users.map((u) => client.token(u)));
  for (const user of users) {
    const role = roleOf(user);
    const all = role === 'admin';
    const operations = all ? [] : operationsOf(role, access);
    const budgetS = all ? settings.adminBudgetS : settings.budgetS;
    if (!all && operations.length === 0) {
      console.log(`[fuzz] ${user} (${role}) owns no operation: skipped`);
      continue;
    }
    const token = await client.token(user);
    const safeName = user.replace(/[^\w.-]/g, '_');
    const junit = path.join(sys.dataDir, `schemathesis-${safeName}.xml`);
    const config = path.join(sys.dataDir, `schemathesis-${safeName}.toml`);
    writeFileSync(config, all ? '' : configToml(await openCases(client, `fuzz-${safeName}`)));
    const args = [
      '-m',
      'schemathesis.cli',
      '--config-file',
      config,
      'run',
      `${sys.apiUrl}/openapi.json`,
      '--url',
      sys.apiUrl,
      '--header',
      `Authorization: Bearer ${token}`,
      ...operations.flatMap((op) => ['--include-operation-id', op]),
      '--checks',
      'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
      '--max-examples',
      String(settings.maxExamples),
      '--max-time',
      String(budgetS),
      '--workers',
      String(settings.workers),
      '--seed',
      '42',
      '--report',
      'junit',
      '--report-junit-path',
      junit,
    ];
    console.log(
      `\n[fuzz] as ${user} (${role}), ${all ? 'every operation' : `${operations.length} operations: ${operations.join(', ')}`}, budget ${budgetS} s`,
    );
    const started = Date.now();
    const run = await runFuzzer(args, sys.dataDir, (budgetS + 300) * 1000);
    const out = run.out;
    const summary = out
      .split('\n')
      .filter((l) =>
        /passed|failed|errored|Server error|not_a_server_error|conformance|Authentication failed|=====/.test(l),
      )
      .slice(-40);
    runs.push({
      user,
      role,
      operations: all ? 'all' : operations.length,
      budgetS,
      exitCode: run.status,
      wallS: Math.round((Date.now() - started) / 100) / 10,
      failures: junitFailures(junit),
      summary,
    });
    console.log(`[fuzz] ${user}: ${run.status === 0 ? 'PASS' : `FAIL (exit ${run.status ?? run.signal})`}`);
  }
} finally {
  await sys.stop();
}
const passed = runs.length > 0 && runs.every((r) => r.exitCode === 0);
const md = [
  `**${passed ? 'PASS' : 'FAIL'}** — schemathesis once per role; checks: no 5xx, status codes, content types and bodies as documented`,
  '',
  table(
    ['user', 'role', 'operations', 'budget s', 'wall s', 'result', 'failed operations'],
    runs.map((r) => [
      r.user,
      r.role,
      r.operations,
      r.budgetS,
      r.wallS,
      r.exitCode === 0 ? 'PASS' : `FAIL (${r.exitCode ?? 'killed'})`,
      r.failures.length,
    ]),
  ),
  '',
  ...runs.flatMap((r) => [
    `### ${r.user} (${r.role})`,
    '',
    ...r.failures.map((f) => `- ${f}`),
    ...(r.failures.length ? [''] : []),
    '```',
    ...r.summary,
    '```',
    '',
  ]),
].join('\n');
writeResults('fault-fuzz', 'npm run fault -- fuzz', m, settings, { passed, users, runs }, md);
console.log(`\n${passed ? 'PASS' : 'FAIL'} fault-fuzz`);
process.exitCode = passed ? 0 : 1;
