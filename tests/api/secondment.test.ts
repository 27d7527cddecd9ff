import { defaultPayloadConverter } from '@temporalio/common';
import ExcelJS from 'exceljs';
import { and, eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { readStream } from '../../db/audit';
import { assessmentCycles, caseNumberCounters, cases, secondmentOutcomes, secondments, users } from '../../db/schema';
import { SECONDMENT_AUDIT_STREAM } from '../../db/secondment';
import type { CycleOutcomesInput } from '../../domain/secondment';
import { DEMO_ASSESSMENT_SCHEMES } from '../../db/seed/assessment';
import { previousPeriod } from '../../domain/assessment';
import { barEndDate } from '../../domain/secondment';
import { useTestSystem } from '../support/system';

const t = useTestSystem('secondment', { nextYearCalendar: true });

type Body = Record<string, unknown>;
const api = () => request(t.app);

async function call(
  method: 'get' | 'post' | 'put' | 'patch',
  username: string,
  path: string,
  body?: Body,
  lang?: string,
): Promise<request.Response> {
  let req = api()
    [method](`/api/v1${path}`)
    .set('authorization', `Bearer ${await t.tokenFor(username)}`);
  if (lang) req = req.set('accept-language', lang);
  return body ? req.send(body) : req;
}
async function ok(method: 'get' | 'post' | 'put' | 'patch', username: string, path: string, body?: Body, status = 200) {
  const res = await call(method, username, path, body);
  expect(res.status, `${username} ${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}
async function download(username: string, path: string): Promise<request.Response> {
  return api()
    .get(`/api/v1${path}`)
    .set('authorization', `Bearer ${await t.tokenFor(username)}`)
    .buffer(true)
    .parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    });
}

/** Poll until `probe` returns something truthy (generous deadline: the CI machine is loaded). */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 90_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const LAST_YEAR = previousPeriod('year', Date.now()).key;
const MONTH = previousPeriod('month', Date.now()).key;
const HANDLER = { t01: 'u.lk.t01.v01.handler', t02: 'u.lk.t02.v01.handler', t03: 'u.lk.t03.c01.handler' };
/** A scheme version whose appeal window closes a few seconds after publishing, so the cycle becomes final within the test. */
const shortWindows = (code: string, patch: Body = {}) => {
  const seed = DEMO_ASSESSMENT_SCHEMES.find((s) => s.code === code)!;
  return {
    name: seed.name,
    definition: { ...seed.definition, appealWindow: { unit: 'minute', amount: 0.1 }, ...patch },
    reason: '测试：申诉期缩短',
  };
};

const score = (username: string, id: string, scores: [string, string, number][]) =>
  ok('post', username, `/assessment/cycles/${id}/scores`, {
    scores: scores.map(([rateeKey, indicatorCode, s]) => ({ rateeKey, indicatorCode, score: s })),
  });

/** Close scoring, publish, and wait until the cycle is final in the read model. */
async function runToFinal(id: string) {
  await ok('post', 'lk.assessor', `/assessment/cycles/${id}/close-scoring`, { reason: '评分完成' });
  await eventually(
    'review',
    async () =>
      (await t.tdb.db.select().from(assessmentCycles).where(eq(assessmentCycles.caseId, id)))[0]?.phase === 'review',
  );
  await ok('post', 'lk.assessor', `/assessment/cycles/${id}/publish`, {});
  return eventually('final', async () => {
    const [row] = await t.tdb.db.select().from(assessmentCycles).where(eq(assessmentCycles.caseId, id));
    return row?.phase === 'final' ? row : null;
  });
}

const taskCase = (id: string) =>
  eventually(`task ${id}`, async () => (await t.tdb.db.select().from(cases).where(eq(cases.id, id)))[0]);

describe('secondments as data', () => {
  it('the seeded seconded staff are active secondments, listed by admins; a person sees their own', async () => {
    const list = await ok('get', 'admin', '/secondments?status=active');
    expect(list.items.map((s: Body) => s.userId).sort()).toEqual(Object.values(HANDLER).sort());
    const t03 = list.items.find((s: Body) => s.userId === HANDLER.t03);
    expect(t03.origin).toEqual({ inSystem: false, unitId: null, name: '兰考县农业技术推广中心', role: null });
    expect(list.items.find((s: Body) => s.userId === HANDLER.t02).origin).toMatchObject({
      inSystem: true,
      unitId: 'lk.dept.mzj',
      role: 'handler',
    });
    expect((await call('get', 'lk.assessor', '/secondments')).status).toBe(403);
    // By township: hosted in the township itself or any village below it.
    expect((await ok('get', 'admin', '/secondments?within=lk.t01')).items.map((s: Body) => s.userId)).toEqual([
      HANDLER.t01,
    ]);
    expect(
      (await ok('get', 'admin', '/secondments?within=lk.t02&status=active')).items.map((s: Body) => s.userId),
    ).toEqual([HANDLER.t02]);
    expect((await ok('get', 'admin', '/secondments?within=lk.t02&status=ended')).total).toBe(0);
    const own = await ok('get', 't02.v01.handler', `/users/${HANDLER.t02}/secondments`);
    expect(own).toMatchObject({
      bar: null,
      outcomes: [],
      secondments: [{ status: 'active', hostUnitId: 'lk.t02.v01' }],
    });
    expect((await call('get', 't01.handler', `/users/${HANDLER.t02}/secondments`)).status).toBe(404);
  });

  it('an admin records and ends a secondment; the person moves into the host; a second active one, a wrong host or a non-admin are refused', async () => {
    const body = {
      userId: 'u.lk.scjg.handler',
      hostUnitId: 'lk.t01.v02',
      origin: { unitId: 'lk.dept.scjg' },
      startDate: '2026-01-05',
      plannedEndDate: '2028-01-04',
      reason: '选派至范场村',
    };
    expect((await call('post', 'lk.assessor', '/secondments', body)).status).toBe(403);
    const wrongHost = await call('post', 'admin', '/secondments', { ...body, hostUnitId: 'lk.dept.zj' });
    expect([wrongHost.status, wrongHost.body.code]).toEqual([422, 'secondment-host-kind']);
    const backwards = await call('post', 'admin', '/secondments', { ...body, plannedEndDate: '2025-12-31' });
    expect(backwards.status).toBe(400);
    const created = await ok('post', 'admin', '/secondments', body, 201);
    expect(created).toMatchObject({
      status: 'active',
      hostUnitId: 'lk.t01.v02',
      origin: { inSystem: true, unitId: 'lk.dept.scjg', role: 'handler' },
    });
    const [moved] = await t.tdb.db.select().from(users).where(eq(users.id, 'u.lk.scjg.handler'));
    expect(moved).toMatchObject({ unitId: 'lk.t01.v02', role: 'handler' });
    const twice = await call('post', 'admin', '/secondments', body);
    expect([twice.status, twice.body.code]).toEqual([409, 'secondment-active']);
    const ended = await ok('post', 'admin', `/secondments/${created.id}/end`, {
      status: 'ended',
      endDate: '2026-06-30',
      reason: '提前结束',
    });
    expect(ended).toMatchObject({ status: 'ended', endDate: '2026-06-30', endedBy: 'u.lk.admin' });
    const again = await call('post', 'admin', `/secondments/${created.id}/end`, { status: 'converted', reason: 'x' });
    expect([again.status, again.body.code]).toEqual([409, 'secondment-not-active']);
    const audit = await readStream(t.tdb.db, SECONDMENT_AUDIT_STREAM);
    expect(audit.map((a) => a.action)).toEqual(['secondment.create', 'secondment.end']);
  });
});

describe('a seconded-staff yearly cycle carries out its outcomes when it becomes final', () => {
  let id = '';
  let finalAt: Date;

  it('优秀 → a conversion task for the organisation department with the evidence; 不合格 → returned to the original unit and role, barred for a year; 合格 → continued', async () => {
    await ok('put', 'admin', '/assessment/schemes/seconded-annual', shortWindows('seconded-annual'));
    const view = await ok(
      'post',
      'lk.assessor',
      '/assessment/cycles',
      { schemeCode: 'seconded-annual', periodKey: LAST_YEAR },
      201,
    );
    id = view.caseId;
    // t01: 60 + 40 (no callbacks: full marks) = 100 | 100 → 100 优秀; t02: 0 + 40 | 0 → 20 不合格; t03: 30 + 40 | 60 → 65 合格.
    await score('t01.assessor', id, [[`user:${HANDLER.t01}`, 'performance', 100]]);
    await score('t02.assessor', id, [[`user:${HANDLER.t02}`, 'performance', 0]]);
    await score('t03.assessor', id, [[`user:${HANDLER.t03}`, 'performance', 50]]);
    await score('lk.assessor', id, [
      [`user:${HANDLER.t01}`, 'annual-review', 100],
      [`user:${HANDLER.t02}`, 'annual-review', 0],
      [`user:${HANDLER.t03}`, 'annual-review', 60],
    ]);
    finalAt = (await runToFinal(id)).finalAt!;

    const ranking = await ok('get', 't01.handler', `/assessment/cycles/${id}/results`);
    const row = (user: string) => ranking.items.find((r: Body) => r.rateeKey === `user:${user}`);
    expect([row(HANDLER.t01).total, row(HANDLER.t01).gradeLabel, row(HANDLER.t01).secondment.effect]).toEqual([
      100,
      '优秀',
      'convert',
    ]);
    expect([row(HANDLER.t02).total, row(HANDLER.t02).gradeLabel, row(HANDLER.t02).secondment.effect]).toEqual([
      20,
      '不合格',
      'return',
    ]);
    expect([row(HANDLER.t03).total, row(HANDLER.t03).gradeLabel, row(HANDLER.t03).secondment]).toEqual([
      65,
      '合格',
      expect.objectContaining({ effect: 'continue', taskCaseId: null, barUntil: null }),
    ]);

    // 优秀: the organisation department's conversion task, with the cycle's scores, grade and id.
    const conversion = await taskCase(row(HANDLER.t01).secondment.taskCaseId);
    expect(conversion).toMatchObject({ process: 'task', unitId: 'lk.zzb', ownerUnitId: 'lk', status: 'open' });
    expect(conversion.title).toBe(
      `选派人员转为乡镇在编：${(await t.tdb.db.select().from(users).where(eq(users.id, HANDLER.t01)))[0]!.displayName}（胡寨村）`,
    );
    const task = await ok('get', 'zzb.handler', `/cases/${conversion.id}`);
    expect(task.data.description).toContain(`考核：${id}`);
    expect(task.data.description).toContain('总分 100，等次“优秀”');
    expect(task.data.description).toContain('工作实绩 100');
    expect((await ok('get', 'zzb.handler', '/inbox')).items.map((i: Body) => i.id)).toContain(conversion.id);
    const [t01Secondment] = await t.tdb.db.select().from(secondments).where(eq(secondments.userId, HANDLER.t01));
    expect(t01Secondment!.status).toBe('active');

    // 不合格 from a unit in the tree: back to 民政局 as a handler, the secondment returned, barred until a year after the decision.
    const until = barEndDate(finalAt);
    expect(row(HANDLER.t02).secondment).toMatchObject({ barUntil: until, taskCaseId: null });
    const [returned] = await t.tdb.db.select().from(users).where(eq(users.id, HANDLER.t02));
    expect(returned).toMatchObject({ unitId: 'lk.dept.mzj', role: 'handler', active: true });
    const person = await ok('get', 'lk.assessor', `/users/${HANDLER.t02}/secondments`);
    expect(person).toMatchObject({
      unitId: 'lk.dept.mzj',
      bar: { until, cycleId: id },
      secondments: [{ status: 'returned', endCycleId: id, endedBy: 'system' }],
    });
    expect(person.outcomes).toMatchObject([{ caseId: id, effect: 'return', gradeLabel: '不合格', barUntil: until }]);
    expect(person.outcomes[0].note).toContain('退回原单位兰考县民政局');

    // 合格: recorded as continued, nothing else changes.
    const [continued] = await t.tdb.db.select().from(users).where(eq(users.id, HANDLER.t03));
    expect(continued).toMatchObject({ unitId: 'lk.t03.c01', active: true });
    expect((await ok('get', 'lk.assessor', `/users/${HANDLER.t03}/secondments`)).outcomes).toMatchObject([
      { effect: 'continue', note: '合格：继续选派，维持现状' },
    ]);

    // Audited: the cycle's final entry names every effect; the personnel stream has one entry per person.
    const audit = await ok('get', 'lk.assessor', `/cases/${id}/audit`);
    const final = audit.find((a: Body) => a.action === 'assessment.final');
    expect(final.after.secondment.map((o: Body) => [o.userId, o.effect]).sort()).toEqual([
      [HANDLER.t01, 'convert'],
      [HANDLER.t02, 'return'],
      [HANDLER.t03, 'continue'],
    ]);
    expect(final.reason).toContain('选派人员考核结果已运用');
    const personnel = (await readStream(t.tdb.db, SECONDMENT_AUDIT_STREAM)).filter((a) => a.reason?.includes(id));
    expect(personnel.map((a) => a.action).sort()).toEqual([
      'secondment.outcome.continue',
      'secondment.outcome.convert',
      'secondment.outcome.return',
    ]);
  });

  it('carrying the outcomes again (an activity retry or replay) changes nothing and answers the same', async () => {
    const history = await t.deps.temporal.workflow.getHandle(id).fetchHistory();
    const scheduled = history.events!.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'carryCycleOutcomes',
    )!;
    const input = defaultPayloadConverter.fromPayload<CycleOutcomesInput>(
      scheduled.activityTaskScheduledEventAttributes!.input!.payloads![0]!,
    );
    const completed = history.events!.find(
      (e) =>
        e.activityTaskCompletedEventAttributes &&
        e.activityTaskCompletedEventAttributes.scheduledEventId?.toString() === scheduled.eventId?.toString(),
    )!;
    const first = defaultPayloadConverter.fromPayload(
      completed.activityTaskCompletedEventAttributes!.result!.payloads![0]!,
    );
    const snapshot = async () => ({
      users: await t.tdb.db
        .select()
        .from(users)
        .where(sql`${users.id} in (${HANDLER.t01}, ${HANDLER.t02}, ${HANDLER.t03})`)
        .orderBy(users.id),
      secondments: await t.tdb.db.select().from(secondments).orderBy(secondments.id),
      outcomes: await t.tdb.db.select().from(secondmentOutcomes).orderBy(secondmentOutcomes.userId),
      counters: await t.tdb.db.select().from(caseNumberCounters).where(eq(caseNumberCounters.process, 'task')),
      audit: (await readStream(t.tdb.db, SECONDMENT_AUDIT_STREAM)).length,
    });
    const before = await snapshot();
    const activities = createActivities({ db: t.tdb.db, temporal: t.deps.temporal });
    expect(await activities.carryCycleOutcomes(input)).toEqual(first);
    expect(await activities.carryCycleOutcomes({ ...input, decidedAt: new Date().toISOString() })).toEqual(first);
    expect(await snapshot()).toEqual(before);
  });

  it('the bar is enforced: listing the returned person as a seconded ratee or seconding them again is refused with the rule and the day it ends', async () => {
    const until = barEndDate(finalAt);
    const relisted = await call('put', 'admin', '/assessment/schemes/seconded-annual', {
      ...shortWindows('seconded-annual'),
      reason: '新版本',
    });
    expect([relisted.status, relisted.body.code, relisted.body.barUntil, relisted.body.userId]).toEqual([
      422,
      'secondment-barred',
      until,
      HANDLER.t02,
    ]);
    expect(relisted.body.detail).toContain('一年内不得再选派');
    expect(relisted.body.detail).toContain(until);
    const nextCycle = await call('post', 'lk.assessor', '/assessment/cycles', {
      schemeCode: 'seconded-annual',
      periodKey: String(Number(LAST_YEAR) - 1),
    });
    expect([nextCycle.status, nextCycle.body.code, nextCycle.body.barUntil]).toEqual([422, 'secondment-barred', until]);
    // Switching the scheme off with the person still listed assesses no one: allowed; switching it on again is not.
    await ok('put', 'admin', '/assessment/schemes/seconded-annual', {
      ...shortWindows('seconded-annual'),
      active: false,
      reason: '暂停',
    });
    const reactivated = await call('put', 'admin', '/assessment/schemes/seconded-annual', {
      ...shortWindows('seconded-annual'),
      active: true,
    });
    expect([reactivated.status, reactivated.body.code]).toEqual([422, 'secondment-barred']);
    const body = {
      userId: HANDLER.t02,
      hostUnitId: 'lk.t02.v02',
      origin: { unitId: 'lk.dept.mzj' },
      startDate: '2026-12-01',
      plannedEndDate: '2027-11-30',
    };
    const zh = await call('post', 'admin', '/secondments', body);
    expect([zh.status, zh.body.code, zh.body.barUntil]).toEqual([422, 'secondment-barred', until]);
    expect(zh.body.detail).toContain(`禁止期至 ${until} 止`);
    const en = await call('post', 'admin', '/secondments', body, 'en');
    expect(en.body.detail).toContain(`is barred until ${until}`);
    // Refused requests changed nothing.
    expect((await t.tdb.db.select().from(users).where(eq(users.id, HANDLER.t02)))[0]!.unitId).toBe('lk.dept.mzj');
    expect((await ok('get', 'admin', `/secondments?userId=${HANDLER.t02}`)).items.map((s: Body) => s.status)).toEqual([
      'returned',
    ]);
  });

  it('不合格 from a unit outside the system: the account is deactivated and the organisation department gets the handover task', async () => {
    await ok('put', 'admin', '/assessment/schemes/seconded-t03', {
      ...shortWindows('seconded-annual', { ratees: { type: 'users', userIds: [HANDLER.t03] }, schedule: false }),
      name: '选派人员年度考核（补考）',
    });
    const view = await ok(
      'post',
      'lk.assessor',
      '/assessment/cycles',
      { schemeCode: 'seconded-t03', periodKey: LAST_YEAR },
      201,
    );
    await score('t03.assessor', view.caseId, [[`user:${HANDLER.t03}`, 'performance', 0]]);
    await score('lk.assessor', view.caseId, [[`user:${HANDLER.t03}`, 'annual-review', 10]]);
    const cycle = await runToFinal(view.caseId);
    const ranking = await ok('get', 'lk.assessor', `/assessment/cycles/${view.caseId}/results`);
    const outcome = ranking.items[0].secondment;
    expect([ranking.items[0].gradeLabel, outcome.effect, outcome.barUntil]).toEqual([
      '不合格',
      'return',
      barEndDate(cycle.finalAt!),
    ]);
    expect(outcome.note).toContain('兰考县农业技术推广中心');
    const [person] = await t.tdb.db.select().from(users).where(eq(users.id, HANDLER.t03));
    expect(person).toMatchObject({ unitId: 'lk.t03.c01', active: false });
    const [secondment] = await t.tdb.db
      .select()
      .from(secondments)
      .where(and(eq(secondments.userId, HANDLER.t03), eq(secondments.endCycleId, view.caseId)));
    expect(secondment!.status).toBe('returned');
    const handover = await taskCase(outcome.taskCaseId);
    expect(handover).toMatchObject({ process: 'task', unitId: 'lk.zzb', status: 'open' });
    expect(handover.title).toContain('选派人员退回原单位交接');
  });
});

describe('grid workers’ monthly pay grades for payroll', () => {
  it('a final grid-worker cycle records each worker’s pay grade; payroll exports a township’s month as CSV (formula cells escaped) and XLSX', async () => {
    await ok('patch', 'admin', '/users/u.lk.t01.v01.g02.grid', { displayName: '=HYPERLINK("http://x","张三")' });
    await ok('put', 'admin', '/assessment/schemes/grid-worker-monthly', shortWindows('grid-worker-monthly'));
    const view = await ok(
      'post',
      'lk.assessor',
      '/assessment/cycles',
      { schemeCode: 'grid-worker-monthly', periodKey: MONTH },
      201,
    );
    // g01 of 胡寨村: spot check 100 (centre: 0 × 60 + 40 = 40 × 0.4 = 16) and township 100 (× 0.6 = 60) → 76 合格, 三档.
    // Every other worker: no scores and no other rater to average → 0 不合格, 四档.
    const g01 = 'user:u.lk.t01.v01.g01.grid';
    await score('zhzx.dispatcher', view.caseId, [[g01, 'spot-check', 100]]);
    await score('t01.assessor', view.caseId, [
      [g01, 'attendance', 100],
      [g01, 'special-tasks', 100],
      [g01, 'leadership-review', 100],
    ]);
    await runToFinal(view.caseId);

    const grades = await ok('get', 't01.leader', `/payroll/grid-pay-grades?townshipId=lk.t01&month=${MONTH}`);
    expect(grades.items).toHaveLength(6);
    expect(grades.items.map((g: Body) => [g.username, g.total, g.payGrade])).toEqual([
      ['t01.v01.g01.grid', 76, '三档（绩效 80%）'],
      ['t01.v01.g02.grid', 0, '四档（扣发绩效）'],
      ['t01.v02.g01.grid', 0, '四档（扣发绩效）'],
      ['t01.v02.g02.grid', 0, '四档（扣发绩效）'],
      ['t01.v03.g01.grid', 0, '四档（扣发绩效）'],
      ['t01.v03.g02.grid', 0, '四档（扣发绩效）'],
    ]);
    expect(grades.items.every((g: Body) => g.caseId === view.caseId)).toBe(true);
    expect(
      (await ok('get', 't03.leader', `/payroll/grid-pay-grades?townshipId=lk.t03&month=${MONTH}`)).items,
    ).toHaveLength(4);
    expect((await call('get', 't03.leader', `/payroll/grid-pay-grades?townshipId=lk.t01&month=${MONTH}`)).status).toBe(
      403,
    );
    expect((await call('get', 't01.window', `/payroll/grid-pay-grades?townshipId=lk.t01&month=${MONTH}`)).status).toBe(
      403,
    );
    expect((await call('get', 'admin', `/payroll/grid-pay-grades?townshipId=lk.t01.v01&month=${MONTH}`)).status).toBe(
      422,
    );

    const csv = await download('t01.leader', `/payroll/grid-pay-grades/export.csv?townshipId=lk.t01&month=${MONTH}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = (csv.body as Buffer)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe('序号,姓名,用户名,网格,总分,等次,绩效档次,考核编号');
    expect(lines[1]).toMatch(
      new RegExp(`^1,[^,]+,t01\\.v01\\.g01\\.grid,胡寨村第一网格,76,合格,三档（绩效 80%）,${view.caseId}$`),
    );
    // A name a spreadsheet would run as a formula is written as text.
    expect(lines[2]).toBe(
      `2,"'=HYPERLINK(""http://x"",""张三"")",t01.v01.g02.grid,胡寨村第二网格,0,不合格,四档（扣发绩效）,${view.caseId}`,
    );

    const xlsx = await download('admin', `/payroll/grid-pay-grades/export.xlsx?townshipId=lk.t01&month=${MONTH}`);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as never);
    const sheet = book.getWorksheet('绩效档次')!;
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      '序号',
      '姓名',
      '用户名',
      '网格',
      '总分',
      '等次',
      '绩效档次',
      '考核编号',
    ]);
    expect([
      sheet.getRow(3).getCell(3).value,
      sheet.getRow(3).getCell(5).value,
      sheet.getRow(3).getCell(7).value,
    ]).toEqual(['t01.v01.g01.grid', 76, '三档（绩效 80%）']);
    expect(sheet.rowCount).toBe(2 + 6);
  });
});
