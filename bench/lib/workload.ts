// The workload generator: virtual users drive cases through the real HTTP API, each case a
// scenario written as data (who starts it, then who does which action), so the same description
// gives the requests, the per-action latency labels, the audit trail to expect and the final state.
// A new process is one more entry in SCENARIOS; a process whose case has child cases (a summons
// and its one part per department) names the part each step acts on.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { partCaseId } from '../../workflows/summons/definitions';
import { NetworkError, type ApiClient, type ApiResponse } from './api-client';
import { Latencies, sleep } from './report';

/** A read polled before a step until it holds: not an action, not measured. */
export interface ScenarioWait {
  what: string;
  user: string;
  path: (caseId: string) => string;
  until: (body: unknown) => boolean;
}

export interface ScenarioStep {
  user: string;
  /** The action `type` in the body; also the latency label (`<scenario>[.part].<type>`). */
  body: { type: string } & Record<string, unknown>;
  /** The child case (part) the step acts on, e.g. a summoned unit's id; absent: the case itself. */
  part?: string;
  /** Wait for this first, e.g. until the parent has learnt that its children ended. */
  waitFor?: ScenarioWait;
}

export interface Scenario {
  name: string;
  start: { user: string; path: string; body: (tag: string) => Record<string, unknown> };
  actionsPath: (caseId: string, part?: string) => string;
  steps: ScenarioStep[];
  /** The audit action of the start (the rest are `<auditPrefix>.<type>` per step). */
  startAudit: string;
  auditPrefix: string;
  /** Projected status once every step is done. */
  finalStatus: string;
  /**
   * The child cases the steps' `part`s name: their ids, audit prefix and final status, and the
   * system audit entries that link them: the child's opening one, the parent's per ended child.
   */
  parts?: {
    caseId: (caseId: string, part: string) => string;
    auditPrefix: string;
    finalStatus: string;
    openedAudit: string;
    endedAudit: string;
  };
}

const CATERING_MATERIALS = [
  'business-licence',
  'operator-id',
  'premises-layout',
  'food-safety-rules',
  'health-certificates',
];
const GRID = 'lk.t01.v01.g01';
const GRID_WORKER = 't01.v01.g01.grid';
/** Two county departments summoned by each whistle; their liaisons are `<code>.liaison`. */
export const SUMMONED = ['lk.dept.scjg', 'lk.dept.sthj'] as const;
const liaisonOf = (unitId: string) => `${unitId.replace(/^lk\.dept\./, '')}.liaison`;
const TOWNSHIP_DISPATCHER = 't01.dispatcher';
const summonsRead = (id: string) => `/api/v1/summons/${id}`;
type SummonsRead = { departments?: unknown[]; parts?: { outcome: unknown }[] };
const partsEnded = (parts: { outcome: unknown }[]) =>
  parts.length === SUMMONED.length && parts.every((p) => p.outcome !== null);

/** Each summoned unit's part: 报到 → on site → result (the liaison), accepted and rated (the township). */
function summonsPartSteps(): ScenarioStep[] {
  const byLiaison = (body: ScenarioStep['body']) =>
    SUMMONED.map((unit) => ({ user: liaisonOf(unit), part: unit, body }));
  const byTownship = (body: ScenarioStep['body']) =>
    SUMMONED.map((unit) => ({ user: TOWNSHIP_DISPATCHER, part: unit, body }));
  const [first, ...rest] = byLiaison({ type: 'acknowledge', note: '已派员' });
  // Liaisons act from their inbox: the parts exist once the approval's answer came (and after a
  // retried approval, once their projection is written).
  const partsOpen: ScenarioWait = {
    what: 'parts opened',
    user: TOWNSHIP_DISPATCHER,
    path: summonsRead,
    until: (b) => (b as SummonsRead).departments?.length === SUMMONED.length,
  };
  return [
    { ...first!, waitFor: partsOpen },
    ...rest,
    ...byLiaison({ type: 'arrive', note: '已到场' }),
    ...byLiaison({ type: 'report', result: '已现场处置完毕', evidence: ['photo:site'] }),
    ...byTownship({ type: 'accept', note: '现场复核通过' }),
    ...byTownship({ type: 'rate', rating: 'satisfied' }),
  ];
}

/** The processes the API exposes, each driven through every step. */
export const SCENARIOS = {
  /** 小餐饮经营许可: window submit → accept → 4 approval steps → conclude → rating. */
  approval: {
    name: 'approval',
    start: {
      user: 't01.window',
      path: '/api/v1/approvals',
      body: (tag) => ({
        matterCode: 'XK-SMALL-CATERING',
        channel: 'window',
        materials: CATERING_MATERIALS,
        applicant: { name: `压测申请人 ${tag}`, phone: '13800000000' },
      }),
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
  /**
   * A grid patrol event the township dispatches to the grid (L1; a grid worker's own report would start
   * at the village), escalated by hand to the village, resolved there and verified on site.
   */
  incident: {
    name: 'incident',
    start: {
      user: 't01.dispatcher',
      path: '/api/v1/incidents',
      body: (tag) => ({
        source: 'patrol',
        categoryCode: 'dispute',
        gridId: GRID,
        level: 1,
        title: `压测事件 ${tag}`,
        description: '邻里纠纷',
        location: { address: '城关镇胡寨村' },
        attachments: [],
      }),
    },
    actionsPath: (id) => `/api/v1/incidents/${id}/actions`,
    steps: [
      { user: GRID_WORKER, body: { type: 'sign' } },
      { user: GRID_WORKER, body: { type: 'escalate', reason: '网格无法调解' } },
      { user: 't01.v01.handler', body: { type: 'sign' } },
      {
        user: 't01.v01.handler',
        body: { type: 'resolve', result: '已调解', evidence: ['photo:after'], noPhotoReason: '照片已线下存档' },
      },
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
      body: (tag) => ({
        title: `压测整改 ${tag}`,
        description: '背街小巷占道经营回潮',
        unitId: 'lk.t01.v01',
        budget: { unit: 'workday', amount: 5 },
      }),
    },
    actionsPath: (id) => `/api/v1/tasks/${id}/actions`,
    steps: [{ user: 't01.v01.handler', body: { type: 'complete', result: '已整改' } }],
    startAudit: 'task.create',
    auditPrefix: 'task',
    finalStatus: 'done',
  },
  /**
   * 吹哨报到: the township dispatcher whistles two departments, the township leader approves (one
   * child case per department), each liaison acknowledges, arrives and reports, the township
   * accepts and rates each part, then closes the whistle once every part has reached it as ended.
   */
  summons: {
    name: 'summons',
    start: {
      user: TOWNSHIP_DISPATCHER,
      path: '/api/v1/summons',
      body: (tag) => ({
        title: `压测吹哨 ${tag}`,
        description: '占道堆放、噪声扰民，涉及多个部门',
        reasonCode: 'multi-department',
        urgency: 'normal',
        complexity: 'complex',
        unitIds: [...SUMMONED],
      }),
    },
    actionsPath: (id, part?: string) =>
      part ? `/api/v1/summons/${id}/departments/${part}/actions` : `/api/v1/summons/${id}/actions`,
    steps: [
      { user: 't01.leader', body: { type: 'approve', note: '同意' } },
      ...summonsPartSteps(),
      {
        user: TOWNSHIP_DISPATCHER,
        body: { type: 'close', summary: '各部门已处置并验收' },
        // A part's end reaches its whistle asynchronously (child workflow result).
        waitFor: {
          what: 'every part ended',
          user: TOWNSHIP_DISPATCHER,
          path: summonsRead,
          until: (b) => partsEnded((b as SummonsRead).parts ?? []),
        },
      },
    ],
    startAudit: 'summons.whistle',
    auditPrefix: 'summons',
    finalStatus: 'closed',
    parts: {
      caseId: partCaseId,
      auditPrefix: 'summons.part',
      finalStatus: 'closed',
      openedAudit: 'summons.part.notify',
      endedAudit: 'summons.part-ended',
    },
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof SCENARIOS;

/** Parse a mix such as `approval,incident,task` (default: every scenario). */
export function scenarioMix(spec: string | undefined): Scenario[] {
  const names = (spec ?? Object.keys(SCENARIOS).join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.map((n) => {
    const s = (SCENARIOS as Record<string, Scenario>)[n];
    if (!s) throw new Error(`unknown scenario ${n} (known: ${Object.keys(SCENARIOS).join(', ')})`);
    return s;
  });
}

/** A case (or one of its child cases) as a fully driven case of its scenario must end. */
export interface ExpectedCase {
  caseId: string;
  finalStatus: string;
  /** The human audit trail, exactly (system entries aside). */
  audit: string[];
  /** System audit actions that must occur exactly this often (others, e.g. clock changes, may come and go). */
  system: Record<string, number>;
}

/** Every case a fully driven case `caseId` of `s` consists of: itself, then one per part. */
export function expectedCases(s: Scenario, caseId: string): ExpectedCase[] {
  const own = s.steps.filter((st) => !st.part);
  const parts = [...new Set(s.steps.flatMap((st) => (st.part ? [st.part] : [])))];
  const p = s.parts;
  if (parts.length && !p) throw new Error(`scenario ${s.name}: steps name parts but the scenario declares none`);
  const audit = [s.startAudit, ...own.map((st) => `${s.auditPrefix}.${st.body.type}`)];
  const cases: ExpectedCase[] = [
    { caseId, finalStatus: s.finalStatus, audit, system: p ? { [p.endedAudit]: parts.length } : {} },
  ];
  for (const part of parts) {
    const steps = s.steps.filter((st) => st.part === part);
    cases.push({
      caseId: p!.caseId(caseId, part),
      finalStatus: p!.finalStatus,
      audit: steps.map((st) => `${p!.auditPrefix}.${st.body.type}`),
      system: { [p!.openedAudit]: 1 },
    });
  }
  return cases;
}

/** The latency label of a step. */
const stepLabel = (s: Scenario, step: ScenarioStep) => `${s.name}.${step.part ? 'part.' : ''}${step.body.type}`;

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

/** No answer, a 5xx, or the same request still in progress elsewhere (409 request-in-progress): retry. */
const ambiguous = (res: ApiResponse | NetworkError) =>
  res instanceof NetworkError ||
  res.status >= 500 ||
  (res.status === 409 && (res.body as { code?: string } | undefined)?.code === 'request-in-progress');

/**
 * Send one request of a case, retrying (resilient mode) while there is no answer or a 5xx. A
 * retried action answered 403/409 was applied by the attempt that got no answer: the final audit
 * check (every action exactly once) is what proves or refutes that.
 */
async function send(
  opts: WorkloadOptions,
  record: { retries: number; retryReasons: string[] },
  label: string,
  request: (idempotencyKey: string) => Promise<ApiResponse>,
  expected: number,
  latencies: Latencies,
): Promise<ApiResponse | 'applied-earlier'> {
  const until = Date.now() + (opts.retryForMs ?? 180_000);
  // One key for every attempt of this request: a retry after no answer is carried out once.
  const key = randomUUID();
  const call = () => request(key);
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
    if (retried && !(res instanceof NetworkError) && !ambiguous(res) && (res.status === 409 || res.status === 403))
      return 'applied-earlier';
    if (!opts.resilient || !ambiguous(res) || Date.now() > until) {
      const what =
        res instanceof NetworkError ? res.message : `${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
      throw new UnexpectedResponse(`${label}: ${what}`);
    }
    retried = true;
    record.retries += 1;
    record.retryReasons.push(
      `${label}: ${res instanceof NetworkError ? 'no answer' : `${res.status} ${(res.body as { code?: string } | undefined)?.code ?? ''}`}`,
    );
    await sleep(Math.min(2_000, 100 * 2 ** attempt));
  }
}

/** Poll `wait` until it holds; resilient mode polls on through no answer and 5xx. At most `retryForMs`. */
async function waitFor(opts: WorkloadOptions, wait: ScenarioWait, caseId: string): Promise<void> {
  const until = Date.now() + (opts.retryForMs ?? 180_000);
  for (;;) {
    let res: ApiResponse | NetworkError;
    try {
      res = await opts.client.request('GET', wait.path(caseId), { user: wait.user });
    } catch (err) {
      if (!(err instanceof NetworkError)) throw err;
      res = err;
    }
    const what = res instanceof NetworkError ? res.message : `${res.status} ${JSON.stringify(res.body).slice(0, 400)}`;
    if (!(res instanceof NetworkError) && res.status === 200) {
      if (wait.until(res.body)) return;
    } else if (!(opts.resilient && ambiguous(res))) {
      throw new UnexpectedResponse(`wait for ${wait.what}: ${what}`);
    }
    if (Date.now() > until)
      throw new UnexpectedResponse(
        `wait for ${wait.what}: still not after ${opts.retryForMs ?? 180_000} ms (last: ${what})`,
      );
    await sleep(100);
  }
}

/** Drive one case of `s` from start to its last step. */
async function driveCase(opts: WorkloadOptions, s: Scenario, index: number, latencies: Latencies): Promise<CaseRecord> {
  const { client } = opts;
  const tag = `${opts.tag ?? 'bench'}-${index}`;
  const record: CaseRecord = { caseId: '', scenario: s, done: 0, retries: 0, retryReasons: [] };
  const body = s.start.body(tag);
  const started = await send(
    opts,
    record,
    `${s.name}.start`,
    (idempotencyKey) => client.request('POST', s.start.path, { user: s.start.user, body, idempotencyKey }),
    201,
    latencies,
  );
  if (started === 'applied-earlier') throw new UnexpectedResponse(`${s.name}.start: refused after a retry`);
  record.caseId = (started.body as { caseId: string }).caseId;
  for (const step of s.steps) {
    if (step.waitFor) await waitFor(opts, step.waitFor, record.caseId);
    await send(
      opts,
      record,
      stepLabel(s, step),
      (idempotencyKey) =>
        client.request('POST', s.actionsPath(record.caseId, step.part), {
          user: step.user,
          body: step.body,
          idempotencyKey,
        }),
      200,
      latencies,
    );
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
  const users = new Set(
    opts.mix.flatMap((s) => [
      s.start.user,
      ...s.steps.flatMap((st) => [st.user, ...(st.waitFor ? [st.waitFor.user] : [])]),
    ]),
  );
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
