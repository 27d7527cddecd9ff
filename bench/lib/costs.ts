// Where an action's time goes: per-stage durations from the API and the worker
// (runtime/stage-timing.ts) and the Temporal SDK's own workflow-task and activity latencies (the
// worker's Prometheus metrics), summarised for bench:throughput.
import { percentiles, table } from './report';

export interface StageFigure {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  /** Summed time of the stage over the measured part, divided by its actions. */
  msPerAction: number;
}

export function stageFigures(samples: Record<string, number[]>, actions: number): Record<string, StageFigure> {
  return Object.fromEntries(
    Object.entries(samples)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([stage, values]) => {
        const s = percentiles(values);
        const sum = values.reduce((a, b) => a + b, 0);
        return [
          stage,
          {
            count: s.count,
            meanMs: s.mean,
            p50Ms: s.p50,
            p99Ms: s.p99,
            msPerAction: Math.round((sum / actions) * 100) / 100,
          },
        ];
      }),
  );
}

/** Sum of every sample of each metric over its label sets (Prometheus text format). */
export function parsePrometheus(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (Number.isFinite(v)) out.set(m[1]!, (out.get(m[1]!) ?? 0) + v);
  }
  return out;
}

/**
 * What the worker's SDK metrics say happened between two scrapes: for each latency histogram its
 * count and mean (the SDK reports milliseconds), and each counter's increase.
 */
export function sdkFigures(before: string, after: string): Record<string, { count: number; meanMs?: number }> {
  const a = parsePrometheus(before);
  const b = parsePrometheus(after);
  const d = (name: string) => (b.get(name) ?? 0) - (a.get(name) ?? 0);
  const out: Record<string, { count: number; meanMs?: number }> = {};
  for (const name of b.keys()) {
    if (!name.startsWith('temporal_') || name.endsWith('_bucket')) continue;
    if (name.endsWith('_count')) {
      const base = name.slice(0, -'_count'.length);
      const count = d(name);
      if (count > 0) out[base] = { count, meanMs: Math.round((d(`${base}_sum`) / count) * 100) / 100 };
    } else if (
      !name.endsWith('_sum') &&
      !b.has(`${name}_count`) &&
      /_(total|hit|miss|forced_eviction|completed|failed|started|slots_available|slots_used)$|^temporal_(sticky|workflow|activity|request)/.test(
        name,
      )
    ) {
      const inc = d(name);
      if (inc !== 0) out[name] = { count: inc };
    }
  }
  return out;
}

export function stageTable(stages: Record<string, StageFigure>): string {
  return table(
    ['stage', 'count', 'mean ms', 'p50 ms', 'p99 ms', 'ms per action'],
    Object.entries(stages).map(([s, f]) => [s, f.count, f.meanMs, f.p50Ms, f.p99Ms, f.msPerAction]),
  );
}

export function cpuTable(rows: Record<string, Record<string, number>>): string {
  const names = [...new Set(Object.values(rows).flatMap((r) => Object.keys(r)))];
  return table(
    ['CPU ms per action', ...names],
    Object.entries(rows).map(([label, r]) => [label, ...names.map((n) => r[n] ?? '')]),
  );
}

/** Each sample of `metric` summed by the value of its label `label` (Prometheus text format). */
export function byLabel(text: string, metric: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  const labelRe = new RegExp(`(?:^|,)${label}="([^"]*)"`);
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m || m[1] !== metric) continue;
    const key = labelRe.exec(m[2]!)?.[1];
    const v = Number(m[3]);
    if (key !== undefined && Number.isFinite(v)) out.set(key, (out.get(key) ?? 0) + v);
  }
  return out;
}

/**
 * What the Temporal server did per action between two scrapes of its metrics: gRPC requests
 * (`service_requests`) and persistence operations (`persistence_requests`) by operation, each
 * divided by `actions` (operations seen less than once per 100 actions are left out).
 */
export function serverFigures(
  before: string,
  after: string,
  actions: number,
): Record<'service' | 'persistence', Record<string, number>> {
  const per = (metric: string) => {
    const a = byLabel(before, metric, 'operation');
    const b = byLabel(after, metric, 'operation');
    const out: Record<string, number> = {};
    for (const [op, v] of [...b].sort(([x], [y]) => x.localeCompare(y))) {
      const n = (v - (a.get(op) ?? 0)) / actions;
      if (n >= 0.01) out[op] = Math.round(n * 100) / 100;
    }
    return out;
  };
  return { service: per('service_requests'), persistence: per('persistence_requests') };
}

/** The server figures of two runs side by side: one row per operation. */
export function serverTable(runs: Record<string, Record<string, number>>): string {
  const ops = [...new Set(Object.values(runs).flatMap((r) => Object.keys(r)))].sort();
  return table(
    ['per action', ...Object.keys(runs)],
    ops.map((op) => [op, ...Object.values(runs).map((r) => r[op] ?? '')]),
  );
}
