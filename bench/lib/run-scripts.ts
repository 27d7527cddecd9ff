// Run bench or fault scripts one after another as child processes (each brings its own system up
// and down), print a summary, and exit non-zero when any failed. Arguments select scripts by name.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { ROOT } from './system';

export function runScripts(
  kind: string,
  scripts: Record<string, string>,
  selected = process.argv.slice(2).filter((a) => !a.startsWith('-')),
): void {
  const names = selected.length ? selected : Object.keys(scripts);
  const unknown = names.filter((n) => !scripts[n]);
  if (unknown.length) {
    console.error(`unknown ${kind} ${unknown.join(', ')} (known: ${Object.keys(scripts).join(', ')})`);
    process.exit(2);
  }
  const results: { name: string; ok: boolean; seconds: number }[] = [];
  for (const name of names) {
    console.log(`\n[${kind}] ▶ ${name}`);
    const t0 = performance.now();
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', scripts[name]!, ...process.argv.slice(2).filter((a) => a.startsWith('--'))],
      { cwd: ROOT, stdio: 'inherit' },
    );
    results.push({ name, ok: run.status === 0, seconds: Math.round((performance.now() - t0) / 100) / 10 });
  }
  console.log(`\n[${kind}] summary`);
  for (const r of results) console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(18)} ${r.seconds} s`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
