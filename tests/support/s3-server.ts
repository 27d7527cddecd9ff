import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

// A real S3-compatible endpoint for tests: moto's server (PyPI `moto[s3,server]`, installed into
// .tools/py-test by scripts/bootstrap.mjs from scripts/test-tools.txt). Outside the system, like SMS:
// the S3 store is tested against it, not against a fake of our own.

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const toolsDir = path.join(root, '.tools', 'py-test');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

export interface S3Server {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startS3Server(): Promise<S3Server> {
  if (!existsSync(path.join(toolsDir, 'moto'))) {
    throw new Error(`moto is not installed in ${toolsDir}: run \`npm test\` once (scripts/bootstrap.mjs installs it)`);
  }
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, PYTHONPATH: toolsDir },
    stdio: 'ignore',
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto server exited with ${child.exitCode}`);
    try {
      if ((await fetch(endpoint)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('moto server did not start within 60 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
