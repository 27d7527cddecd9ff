import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { importJWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, type ApiResponse } from '../../bench/lib/api-client';
import { sleep } from '../../bench/lib/report';
import { verifyCases, waitUntil } from '../../bench/lib/verify';
import { runWorkload, scenarioMix, type WorkloadResult } from '../../bench/lib/workload';
import { calendarYears, NATIONAL_REGION } from '../../db/schema';
import { openDatabase, type Database } from '../../db';
import {
  clusterPaths,
  readJson,
  ROOT,
  type ClusterControl,
  type ClusterSecrets,
  type ClusterState,
} from '../../scripts/cluster-layout';

/*
 * `npm run test:cluster`: the system on a real Temporal cluster (four server processes on
 * PostgreSQL), two workers and two APIs in production mode — the running `npm run cluster`, or one
 * started here. Cases are started through API #1 and advanced through API #2; a worker, the history
 * service and an API are each killed with SIGKILL while cases are in flight (the cluster's
 * supervisor starts them again); then every case is checked as the fault tests check them
 * (bench/lib/verify.ts). Finally throughput with one worker and with two.
 */
const paths = clusterPaths();
const CASES = 120;
const state = (): ClusterState =>
  readJson<ClusterState>(paths.state) ??
  (() => {
    throw new Error('the cluster is not running');
  })();
const control = (c: ClusterControl) => writeFileSync(paths.control, JSON.stringify(c));

/** Starts go to one API, everything else to the other: what two instances behind a balancer would see. */
class SplitApiClient extends ApiClient {
  constructor(
    private readonly starts: ApiClient,
    private readonly rest: ApiClient,
  ) {
    super(starts.baseUrl);
  }
  override token(username: string): Promise<string> {
    return this.starts.token(username);
  }
  override request(
    method: string,
    path: string,
    opts: { user?: string; body?: unknown; idempotencyKey?: string } = {},
  ): Promise<ApiResponse> {
    const isStart = method === 'POST' && /^\/api\/v1\/[a-z-]+$/.test(path);
    return (isStart ? this.starts : this.rest).request(method, path, opts);
  }
}

async function apiReady(url: string): Promise<boolean> {
  const res = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
  return res?.status === 200;
}

describe('the production topology on a real Temporal cluster', () => {
  let started: ChildProcess | undefined;
  let database: Database;
  let api1: ApiClient;
  let split: SplitApiClient;

  beforeAll(async () => {
    const running = readJson<ClusterState>(paths.state);
    if (!(running?.ready && (await apiReady(running.apiUrls[0]!)))) {
      console.log('[test:cluster] starting `npm run cluster` (the first run builds the Temporal server)…');
      started = spawn(process.execPath, ['--import', 'tsx', 'scripts/cluster.ts'], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      await waitUntil(
        'the cluster',
        async () => readJson<ClusterState>(paths.state)?.ready === true,
        44 * 60_000,
        2_000,
      );
    }
    const s = state();
    for (const url of s.apiUrls) await waitUntil(`${url} ready`, () => apiReady(url), 120_000);
    const secrets = readJson<ClusterSecrets>(paths.secrets)!;
    const key = await importJWK(secrets.idpKey, 'RS256');
    // Tokens as the cluster's identity provider issues them (its key, issuer and our audience).
    const issue = (username: string) =>
      new SignJWT({ preferred_username: username })
        .setProtectedHeader({ alg: 'RS256', kid: secrets.idpKey.kid!, typ: 'JWT' })
        .setIssuer(s.issuer)
        .setSubject(username)
        .setAudience(s.audience)
        .setIssuedAt()
        .setExpirationTime('2h')
        .sign(key);
    api1 = new ApiClient(s.apiUrls[0]!, 120_000, issue);
    split = new SplitApiClient(api1, new ApiClient(s.apiUrls[1]!, 120_000, issue));
    database = openDatabase(s.databaseUrl, { max: 4 });
    // Working-day limits of higher levels reach into next year, which the holiday data may not cover
    // yet: a plain Mon–Fri year for the test, as the bench does.
    await database.db
      .insert(calendarYears)
      .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
      .onConflictDoNothing();
    control({ paused: [] });
  });

  afterAll(async () => {
    control({ paused: [] });
    await database?.close();
    if (started) {
      started.kill('SIGINT');
      await new Promise((r) => started!.once('exit', r));
    }
  });

  it('loses and duplicates no case through kill -9 of a worker, the history service and an API', async () => {
    const since = new Date(Date.now() - 1_000);
    let finished = false;
    const workload = runWorkload({
      client: split,
      mix: scenarioMix('approval,incident,summons'),
      cases: CASES,
      concurrency: 16,
      resilient: true,
      retryForMs: 300_000,
      tag: 'cluster-faults',
    }).finally(() => {
      finished = true;
    });
    const faults: string[] = [];
    const inject = async () => {
      for (const name of ['worker-1', 'temporal-history', 'api-2']) {
        await sleep(5_000);
        if (finished) break;
        const pid = state().pids[name];
        if (!pid) throw new Error(`${name} is not running`);
        process.kill(pid, 'SIGKILL');
        const at = Date.now();
        await waitUntil(
          `${name} restarted`,
          async () => {
            const now = state().pids[name];
            return now !== undefined && now !== pid;
          },
          300_000,
        );
        faults.push(
          `${name} (pid ${pid}) killed with SIGKILL while cases were in flight; back in ${((Date.now() - at) / 1000).toFixed(1)} s`,
        );
      }
    };
    const [result] = await Promise.all([workload, inject()]);
    console.log(`[test:cluster] ${faults.join('\n[test:cluster] ')}`);
    console.log(
      `[test:cluster] ${result.cases.length} cases, ${result.actions} actions, ${result.retries} retried requests, ${result.failed.length} failed, ${(result.wallMs / 1000).toFixed(1)} s`,
    );
    expect(faults).toHaveLength(3);
    expect(result.failed).toEqual([]);
    expect(result.cases).toHaveLength(CASES);
    const verdict = await verifyCases(api1, database.db, result.cases, since);
    expect(verdict.bad).toEqual([]);
    expect(verdict.untracked).toEqual([]);
  });

  it('throughput with one worker and with two', async () => {
    const measure = async (tag: string) => {
      await runWorkload({
        client: split,
        mix: scenarioMix('approval'),
        cases: 6,
        concurrency: 6,
        tag: `${tag}-warmup`,
      });
      const r: WorkloadResult = await runWorkload({
        client: split,
        mix: scenarioMix('approval'),
        cases: 60,
        concurrency: 8,
        tag,
      });
      expect(r.failed).toEqual([]);
      return {
        cases: r.cases.length,
        actions: r.actions,
        wallS: Math.round(r.wallMs) / 1000,
        actionsPerS: Math.round((r.actions / (r.wallMs / 1000)) * 10) / 10,
      };
    };
    control({ paused: ['worker-2'] });
    await waitUntil('worker-2 paused', async () => state().pids['worker-2'] === undefined, 60_000);
    const one = await measure('one-worker');
    control({ paused: [] });
    await waitUntil('worker-2 back', async () => state().pids['worker-2'] !== undefined, 300_000);
    const two = await measure('two-workers');
    console.log(
      `[test:cluster] approval mix, 60 cases × 8 users through two APIs: 1 worker ${one.actionsPerS} actions/s (${one.actions} in ${one.wallS} s); 2 workers ${two.actionsPerS} actions/s (${two.actions} in ${two.wallS} s)`,
    );
    writeFileSync(
      `${paths.dir}/throughput.json`,
      JSON.stringify({ at: new Date().toISOString(), oneWorker: one, twoWorkers: two }, null, 2),
    );
    expect(one.actions).toBe(two.actions);
  });
});
