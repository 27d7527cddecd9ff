// The workload generator: virtual users drive cases through the real HTTP API, each case a
// scenario written as data (who starts it, then who does which action), so the same description
// gives the requests, the per-action latency labels, the audit trail to expect and the final state.
// A new process (e.g. summons, once its routes land) is one more entry in SCENARIOS.
import { performance } from 'node:perf_hooks';
import { NetworkError, type ApiClient, type ApiResponse } from './api-client';
import { Latencies, sleep } from './report';

export interface ScenarioStep {
  /** The action `type` in the body; also the latency label (`<scenario>.<type>`). */
  user: string;
  body: { type: string } & Record<string, unknown>;
}

export interface Scenario {
  name: string;
  start: { user: string; path: string; body: (tag: string) => Record<string, unknown> };
  actionsPath: (caseId: string) => string;
  steps: ScenarioStep[];
  /** The audit action of the start (the rest are `<auditPrefix>.<type>` per step). */
  startAudit: string;
  auditPrefix: string;
  /** Projected status once every step is done. */
  finalStatus: string;
}

const CATERING_MATERIALS = ['business-licence', 'operator-id', 'premises-layout', 'food-safety-rules', 'health-certificates'];
const GRID = 'lk.t01.v01.g01';
const GRID_WORKER = 't01.v01.g01.grid';

/** The processes the API exposes today, each driven through every step. */
export const SCENARIOS = {
  /** 小餐饮经营许可: window submit → accept → 4 approval steps → conclude → rating. */
  approval: {
    name: 'approval',
    start: {
      user: 't01.window',
      path: '/api/v1/approvals',
      body: (tag) => ({ matterCode: 'XK-SMALL-CATERING', channel: 'window', materials: CATERING_MATERIALS, applicant: { name: `压测申请人 ${tag}`, phone: '13800000000' } }),
    },
    actionsPath: (id) => `/api/v1/approvals/${id}/actions`,
    steps: [
      { user: 't01.window', body: { type: 'accept' } },
      // Steps are named so that a retried request can never approve the next step by mistake.
      { user: 't01.window', body: { type: 'approve', step: 'accept', opinion: '材料齐全' } },
      { user: 'scjg.handler', body: { type: 'approve', step: 'inspect', opinion: '现场符合要求' } },
      { user: 'scjg.approver', body: { type: 'approve', step: 'review', opinion: '同意' } },
      { user: 'scjg.leader', body: { type: 'approve', step: 'decide', opinion: '准予许可' } },
      { user: 't01.window', body: { type: 'conclude', result: '准予许可', certificateNo: 'JY-BENCH' } },
      { user: 't01.window', body: { type: 'rate', score: 5 } },
    ],
    startAudit: 'approval.submit',
    auditPrefix: 'approval',
    finalStatus: 'concluded',
  },
  /** A grid patrol event escalated by hand to the village, resolved there and verified on site. */
  incident: {
    name: 'incident',
    start: {
      user: GRID_WORKER,
      path: '/api/v1/incidents',
      body: (tag) => ({ source: 'patrol', categoryCode: 'dispute', gridId: GRID, title: `压测事件 ${tag}`, description: '邻里纠纷', location: { address: '城关镇胡寨村' }, attachments: [] }),
    },
    actionsPath: (id) => `/api/v1/incidents/${id}/actions`,
    steps: [
      { user: GRID_WORKER, body: { type: 'sign' } },
      { user: GRID_WORKER, body: { type: 'escalate', reason: '网格无法调解' } },
      { user: 't01.v01.handler', body: { type: 'sign' } },
      { user: 't01.v01.handler', body: { type: 'resolve', result: '已调解', evidence: ['photo:after'] } },
      { user: GRID_WORKER, body: { type: 'verify', passed: true, note: '现场核查属实' } },
    ],
    startAudit: 'incident.report',
    auditPrefix: 'incident',
    finalStatus: 'closed',
  },
  /** A rectification task opened by the county supervisor and completed by the village. */
  task: {
    name: 'task',
    start: {
      user: 'lk.supervisor',
      path: '/api/v1/tasks',
      body: (tag) => ({ title: `压测整改 ${tag}`, description: '背街小巷占道经营回潮', unitId: 'lk.t01.v01', budget: { unit: 'workday', amount: 5 } }),
    },
    actionsPath: (id) => `/api/v1/tasks/${id}/actions`,
    steps: [{ user: 't01.v01.handler', body: { type: 'complete', result: '已整改' } }],
    startAudit: 'task.create',
    auditPrefix: 'task',
    finalStatus: 'done',
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/** Parse a mix such as `approval,incident,task` (default: every scenario). */
export function scenarioMix(spec: string | undefined): Scenario[] {
  const names = (spec ?? Object.keys(SCENARIOS).join(',')).split(',').map((s) => s.trim()).filter(Boolean);
  return names.map((n) => {
    const s = (SCENARIOS as Record<string, Scenario>)[n];
    if (!s) throw new Error(`unknown scenario ${n} (known: ${Object.keys(SCENARIOS).join(', ')})`);
    return s;
  });
}

/** The human audit trail a completed case of `s` must have, exactly. */
export function expectedAudit(s: Scenario): string[] {
  return [s.startAudit, ...s.steps.map((st) => `${s.auditPrefix}.${st.body.type}`)];
}

export interface CaseRecord {
  caseId: string;
  scenario: Scenario;
  /** Steps done (a fully driven case has them all). */
  done: number;
  /** Requests that got no answer or a 5xx and were retried. */
  retries: number;
  /** Why they were retried (`label: status code` or the network error). */
  retryReasons: string[];
}

export interface WorkloadResult {
  cases: CaseRecord[];
  failed: { scenario: string; error: string }[];
  actions: number;
  wallMs: number;
  latencies: Latencies;
  retries: number;
}

export interface WorkloadOptions {
  client: ApiClient;
  mix: Scenario[];
  cases: number;
  concurrency: number;
  /** Retry requests that got no answer or a 5xx (fault tests); otherwise such a case fails. */
  resilient?: boolean;
  /** Give up retrying one request after this long. */
  retryForMs?: number;
  /** A unique tag per run, in titles and names. */
  tag?: string;
  onCaseDone?: (record: CaseRecord) => void;
}

class UnexpectedResponse extends Error {}

const ambiguous = (res: ApiResponse | NetworkError) => res instanceof NetworkError || res.status >= 500;

/**
 * Send one request of a case, retrying (resilient mode) while there is no answer or a 5xx. A
 * retried action answered 403/409 was applied by the attempt that got no answer: the final audit
 * check (every action exactly once) is what proves or refutes that.
 */
async function send(opts: WorkloadOptions, record: { retries: number; retryReasons: string[] }, label: string, call: () => Promise<ApiResponse>, expected: number, latencies: Latencies): Promise<ApiResponse | 'applied-earlier'> {
  const until = Date.now() + (opts.retryForMs ?? 180_000);
  let retried = false;
  for (let attempt = 0; ; attempt += 1) {
    let res: ApiResponse | NetworkError;
    const started = performance.now();
    try {
      res = await call();
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      res = err;
    }
    if (!(res instanceof NetworkError) && res.status === expected) {
      // Only clean first attempts measure the system; a retried one measures the fault.
      if (!retried) latencies.record(label, performance.now() - started);
      return res;
    }
    if (retried && !(res instanceof NetworkError) && (res.status === 409 || res.status === 403)) return 'applied-earlier';
    if (!opts.resilient || !ambiguous(res) || Date.now() > until) {
      const what = res instanceof NetworkError ? res.message : `${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
      throw new UnexpectedResponse(`${label}: ${what}`);
    }
    retried = true;
    record.retries += 1;
    record.retryReasons.push(`${label}: ${res instanceof NetworkError ? 'no answer' : `${res.status} ${(res.body as { code?: string } | undefined)?.code ?? ''}`}`);
    await sleep(Math.min(2_000, 100 * 2 ** attempt));
  }
}

/** Drive one case of `s` from start to its last step. */
async function driveCase(opts: WorkloadOptions, s: Scenario, index: number, latencies: Latencies): Promise<CaseRecord> {
  const { client } = opts;
  const tag = `${opts.tag ?? 'bench'}-${index}`;
  const record: CaseRecord = { caseId: '', scenario: s, done: 0, retries: 0, retryReasons: [] };
  const body = s.start.body(tag);
  const started = await send(opts, record, `${s.name}.start`, () => client.request('POST', s.start.path, { user: s.start.user, body }), 201, latencies);
  if (started === 'applied-earlier') throw new UnexpectedResponse(`${s.name}.start: refused after a retry`);
  record.caseId = (started.body as { caseId: string }).caseId;
  for (const step of s.steps) {
    await send(opts, record, `${s.name}.${step.body.type}`, () => client.request('POST', s.actionsPath(record.caseId), { user: step.user, body: step.body }), 200, latencies);
    record.done += 1;
  }
  return record;
}

/** Run `cases` cases of the mix (round robin) with `concurrency` virtual users. */
export async function runWorkload(opts: WorkloadOptions): Promise<WorkloadResult> {
  const latencies = new Latencies();
  const cases: CaseRecord[] = [];
  const failed: WorkloadResult['failed'] = [];
  // Log every user in first: logins are not part of the workload.
  const users = new Set(opts.mix.flatMap((s) => [s.start.user, ...s.steps.map((st) => st.user)]));
  await Promise.all([...users].map((u) => opts.client.token(u)));
  let next = 0;
  const started = performance.now();
  const virtualUser = async () => {
    for (let i = next++; i < opts.cases; i = next++) {
      const s = opts.mix[i % opts.mix.length]!;
      try {
        const record = await driveCase(opts, s, i, latencies);
        cases.push(record);
        opts.onCaseDone?.(record);
      } catch (err) {
        failed.push({ scenario: s.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, virtualUser));
  const wallMs = performance.now() - started;
  const actions = cases.reduce((n, c) => n + 1 + c.done, 0);
  return { cases, failed, actions, wallMs, latencies, retries: cases.reduce((n, c) => n + c.retries, 0) };
}
