import { renameSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/**
 * Where a request's time goes, per stage (auth, idempotency, read-model lookups, the Update round
 * trip, the projection transaction, notices…), for `bench:throughput`. Off unless the process was
 * started with `STAGE_TIMING_FILE` (config.ts): then every timed stage keeps its durations, and on
 * SIGUSR2 the process writes them to that file (stage → milliseconds) and starts afresh, so the
 * bench can cut out its warm-up and read exactly the measured part.
 */
let samples: Map<string, number[]> | null = null;

/** Start recording; SIGUSR2 writes what was recorded to `file` and clears it. */
export function enableStageTiming(file: string): void {
  samples = new Map();
  process.on('SIGUSR2', () => {
    const out = Object.fromEntries(samples!);
    samples = new Map();
    // Written whole, then renamed: the reader never sees half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(out));
    renameSync(`${file}.tmp`, file);
  });
}

/** Record one duration of `stage` (when recording). */
export function recordStage(stage: string, ms: number): void {
  if (!samples) return;
  let list = samples.get(stage);
  if (!list) samples.set(stage, (list = []));
  list.push(ms);
}

/** Run `fn`, recording its duration as `stage` (when recording; otherwise just run it). */
export async function timeStage<T>(stage: string, fn: () => Promise<T>): Promise<T> {
  if (!samples) return fn();
  const started = performance.now();
  try {
    return await fn();
  } finally {
    recordStage(stage, performance.now() - started);
  }
}
