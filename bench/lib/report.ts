// What every bench script shares: its settings (env or --flags, with printed defaults), latency
// histograms (Node's own HDR histogram, perf_hooks.createHistogram), the machine description, and
// the result files bench/results/<name>.json + .md.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { ROOT } from './system';

export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');

type SettingSpec = Record<string, { default: number; help: string }>;
export type Settings<S extends SettingSpec> = { [K in keyof S]: number };

/**
 * Numeric settings of a bench script: `--name=value` on the command line, else the environment
 * variable `NAME` (upper snake case), else the default. Bench scripts are tools around the system,
 * so they read their own knobs here rather than through config.ts, which configures the system.
 */
export function readSettings<S extends SettingSpec>(
  spec: S,
  argv = process.argv.slice(2),
  env = process.env,
): Settings<S> {
  const out: Record<string, number> = {};
  for (const [name, { default: fallback }] of Object.entries(spec)) {
    const envName = name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    const flag = argv.find(
      (a) => a.startsWith(`--${name}=`) || a.startsWith(`--${envName.toLowerCase().replace(/_/g, '-')}=`),
    );
    const raw = flag ? flag.slice(flag.indexOf('=') + 1) : env[envName];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isFinite(value)) throw new Error(`setting ${name} (${envName}) is not a number: ${raw}`);
    out[name] = value;
  }
  return out as Settings<S>;
}

/** The machine the figures come from. */
export function machine() {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
  };
}

/** Print the header every bench prints: machine and settings. */
export function announce<S extends SettingSpec>(
  name: string,
  spec: S,
  settings: Settings<S>,
): ReturnType<typeof machine> {
  const m = machine();
  console.log(`\n== ${name} ==`);
  console.log(
    `machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load ${m.loadAverage.join(' ')}, commit ${m.commit}`,
  );
  console.log('settings (env NAME or --name=value):');
  for (const [key, { help }] of Object.entries(spec)) {
    const envName = key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
    console.log(`  ${envName.padEnd(22)} = ${String(settings[key]).padEnd(10)} ${help}`);
  }
  return m;
}

/** Latency summary in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Latencies per label (action type), in an HDR histogram each. */
export class Latencies {
  private readonly histograms = new Map<string, RecordableHistogram>();

  record(label: string, ms: number): void {
    let h = this.histograms.get(label);
    if (!h) {
      h = createHistogram();
      this.histograms.set(label, h);
    }
    // Microsecond resolution; the histogram takes integers ≥ 1.
    h.record(Math.max(1, Math.round(ms * 1000)));
  }

  labels(): string[] {
    return [...this.histograms.keys()].sort();
  }

  count(label?: string): number {
    if (label) return this.histograms.get(label)?.count ?? 0;
    return [...this.histograms.values()].reduce((n, h) => n + h.count, 0);
  }

  summary(label: string): LatencySummary {
    const h = this.histograms.get(label);
    if (!h || h.count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
    const ms = (us: number) => Math.round(us / 10) / 100;
    return {
      count: h.count,
      p50: ms(h.percentile(50)),
      p95: ms(h.percentile(95)),
      p99: ms(h.percentile(99)),
      max: ms(h.max),
      mean: ms(h.mean),
    };
  }

  all(): Record<string, LatencySummary> {
    return Object.fromEntries(this.labels().map((l) => [l, this.summary(l)]));
  }
}

/** Percentiles of plain numbers (e.g. timer lateness), nearest-rank. */
export function percentiles(values: number[]): LatencySummary {
  if (values.length === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
  const round = (v: number) => Math.round(v * 100) / 100;
  return {
    count: sorted.length,
    p50: round(at(50)),
    p95: round(at(95)),
    p99: round(at(99)),
    max: round(sorted[sorted.length - 1]!),
    mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

/** A markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `|${headers.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

export function latencyTable(
  summaries: Record<string, LatencySummary>,
  extra?: (label: string) => (string | number)[],
  extraHeaders: string[] = [],
): string {
  return table(
    ['action', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', ...extraHeaders],
    Object.entries(summaries).map(([label, s]) => [
      label,
      s.count,
      s.p50,
      s.p95,
      s.p99,
      s.max,
      ...(extra ? extra(label) : []),
    ]),
  );
}

/**
 * Write bench/results/<name>.json and <name>.md, with the machine, the settings and the command
 * that produced them, and print the markdown.
 */
export function writeResults(
  name: string,
  command: string,
  m: ReturnType<typeof machine>,
  settings: Record<string, number>,
  figures: unknown,
  markdownBody: string,
): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(
    path.join(RESULTS_DIR, `${name}.json`),
    `${JSON.stringify({ name, command, at, machine: m, settings, figures }, null, 2)}\n`,
  );
  const md = [
    `# ${name}`,
    '',
    `Command: \`${command}\` — ${at}`,
    '',
    `Machine: ${m.cpu} × ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, load average at start ${m.loadAverage.join(' ')}, commit ${m.commit}`,
    '',
    `Settings: ${Object.entries(settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    '',
    markdownBody,
    '',
  ].join('\n');
  writeFileSync(path.join(RESULTS_DIR, `${name}.md`), md);
  console.log(`\n${md}`);
  console.log(`results: bench/results/${name}.json, bench/results/${name}.md`);
}

/** Sleep. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
