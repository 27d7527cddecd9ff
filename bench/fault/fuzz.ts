// Fault test 5: fuzz the API from its own OpenAPI document with schemathesis (PyPI, installed into
// .tools/fuzz on first use): zero 5xx responses, and every documented error answered as the
// problem+json the document promises (content type and schema conformance).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ApiClient } from '../lib/api-client';
import { announce, readSettings, writeResults } from '../lib/report';
import { ROOT, startSystem } from '../lib/system';

const spec = {
  maxExamples: { default: 25, help: 'examples per operation and phase' },
  workers: { default: 2, help: 'schemathesis workers' },
};
const settings = readSettings(spec);
const m = announce('fault: fuzz the API from its OpenAPI document (schemathesis)', spec, settings);

const TOOLS = path.join(ROOT, '.tools', 'fuzz');
const python = ['python3', 'python'].find((py) => spawnSync(py, ['--version']).status === 0);
if (!python) throw new Error('python3 is needed for schemathesis');
if (!existsSync(path.join(TOOLS, 'schemathesis'))) {
  console.log('[fuzz] 从 PyPI 安装 schemathesis 到 .tools/fuzz / installing schemathesis from PyPI into .tools/fuzz…');
  const pip = spawnSync(python, ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-warn-script-location', '--quiet', '--upgrade', '--target', TOOLS, '-r', path.join(ROOT, 'bench', 'fault', 'fuzz-tools.txt')], {
    stdio: 'inherit',
    env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' },
  });
  if (pip.status !== 0) throw new Error('pip install schemathesis failed');
}

const sys = await startSystem({ log: (l) => console.log(`[system] ${l}`) });
let passed = false;
try {
  const token = await new ApiClient(sys.apiUrl).token('admin');
  const junit = path.join(sys.dataDir, 'schemathesis.xml');
  const args = [
    '-m',
    'schemathesis.cli',
    'run',
    `${sys.apiUrl}/openapi.json`,
    '--url',
    sys.apiUrl,
    '--header',
    `Authorization: Bearer ${token}`,
    '--checks',
    'not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance',
    '--max-examples',
    String(settings.maxExamples),
    '--workers',
    String(settings.workers),
    '--seed',
    '42',
    '--report',
    'junit',
    '--report-junit-path',
    junit,
  ];
  console.log(`[fuzz] schemathesis ${args.slice(2).map((a) => (a.startsWith('Authorization') ? 'Authorization: Bearer …' : a)).join(' ')}`);
  const run = spawnSync(python, args, { cwd: sys.dataDir, env: { ...process.env, PYTHONPATH: TOOLS, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const out = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  console.log(out);
  passed = run.status === 0;
  const summary = out.split('\n').filter((l) => /passed|failed|errored|Server error|not_a_server_error|conformance|=====/.test(l)).slice(-40);
  writeResults('fault-fuzz', 'npm run fault -- fuzz', m, settings, { passed, exitCode: run.status, summary }, [`**${passed ? 'PASS' : 'FAIL'}** — schemathesis exit code ${run.status}`, '', '```', ...summary, '```'].join('\n'));
} finally {
  await sys.stop();
}
console.log(`\n${passed ? 'PASS' : 'FAIL'} fault-fuzz`);
process.exitCode = passed ? 0 : 1;
