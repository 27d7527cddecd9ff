import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { verifyStream } from '../../db/audit';
import { DEMO_COUNTY_REGION_CODE } from '../../db/seed/demo-county';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { createTestApp, type TestApp } from '../support/app';
import {
  listedDays as listedDaysOf,
  localDate,
  localMidnight,
  nextWorkingDay,
  pollUntil,
  workdayDeadline,
} from '../support/calendar-oracle';
import { createDevEnvironment } from '../support/temporal';

const DAY = 86_400_000;
const REGION = DEMO_COUNTY_REGION_CODE;
const TASK_QUEUE = `calendar-api-${randomUUID()}`;

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let t: TestApp;

beforeAll(async () => {
  [env, bundle] = await Promise.all([createDevEnvironment(), bundleWorkflows()]);
  t = await createTestApp({ temporal: env.client, env: { TEMPORAL_TASK_QUEUE: TASK_QUEUE } });
});
afterAll(async () => {
  await t?.close();
  await env?.teardown();
});

type Method = 'get' | 'post' | 'put' | 'delete';

/** A request through the real HTTP path, signed in as `as` (or anonymous when null). */
async function call(as: string | null, method: Method, path: string, body?: object): Promise<request.Response> {
  const req = request(t.app)[method](`/api/v1${path}`);
  if (as) req.set('Authorization', `Bearer ${await t.tokenFor(as)}`);
  return body ? req.send(body) : req;
}
const admin = (method: Method, path: string, body?: object) => call('admin', method, path, body);
const clerk = (path: string) => call('t01.window', 'get', path);

/** Every calendar row and the number of audit entries: what a refused write must leave alone. */
async function calendarState(): Promise<unknown> {
  const q = (sql: string) => t.deps.database.pool.query(sql).then((r) => r.rows);
  return {
    days: await q(`select region, date::text, kind, name, source, updated_at from calendar_days order by region, date`),
    years: await q(`select region, year, status, source, updated_at from calendar_years order by region, year`),
    audit: await q(`select count(*) from audit_log`),
  };
}

/** `send` is refused with `status` and `code` as bilingual problem+json, and nothing is written. */
async function expectRefused(
  status: number,
  code: string,
  send: () => Promise<request.Response>,
): Promise<request.Response> {
  const before = await calendarState();
  const res = await send();
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  expect(res.body.code).toBe(code);
  expect(res.body.i18n['zh-CN'].detail).toBeTruthy();
  expect(res.body.i18n.en.detail).toBeTruthy();
  expect(await calendarState()).toEqual(before);
  return res;
}

/** A calendar write's answer: 202 with `Location` at its recompute's progress, which is pending or later. */
function expectAccepted(res: request.Response): void {
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.body.recompute).toMatchObject({
    id: expect.any(String),
    status: expect.stringMatching(/^(pending|running|done)$/),
  });
  expect(res.body.recompute.href).toBe(`/api/v1/calendar/recomputes/${res.body.recompute.id}`);
  expect(res.headers.location).toBe(res.body.recompute.href);
}

const deadlineOf = (start: string, amount: number, region?: string) =>
  clerk(
    `/calendar/deadline?start=${encodeURIComponent(start)}&unit=workday&amount=${amount}${region ? `&region=${region}` : ''}`,
  );

/** A plausible 2027 schedule: 元旦, an eight-day Spring Festival (Sat 6 – Sat 13 Feb) and a working Sunday after it. */
const SPRING_2027 = [
  '2027-02-06',
  '2027-02-07',
  '2027-02-08',
  '2027-02-09',
  '2027-02-10',
  '2027-02-11',
  '2027-02-12',
  '2027-02-13',
];
const schedule2027 = {
  holidays: [{ date: '2027-01-01', name: '元旦' }, ...SPRING_2027.map((date) => ({ date, name: '春节' }))],
  workdays: [{ date: '2027-02-14', name: '春节' }],
  reason: '国务院办公厅关于2027年部分节假日安排的通知',
};

const chineseDaysIn = (year: string, days: Record<string, string>) =>
  Object.keys(days).filter((d) => d.startsWith(`${year}-`)).length;

describe('reading the calendar', () => {
  it('needs a token', async () => {
    await expectRefused(401, 'unauthenticated', () => call(null, 'get', '/calendar/years'));
  });

  it('lists 2025 and 2026 as seeded from chinese-days, and not 2027', async () => {
    const res = await clerk('/calendar/years');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const years = new Map(res.body.years.map((y: { year: number }) => [y.year, y]));
    for (const year of ['2025', '2026']) {
      expect(years.get(Number(year))).toMatchObject({
        covered: true,
        source: 'seed:chinese-days',
        holidays: chineseDaysIn(year, chineseDays.holidays),
        workdays: chineseDaysIn(year, chineseDays.workdays),
        adminDays: 0,
      });
    }
    expect(years.has(2027)).toBe(false);
  });

  it('shows a year’s days with names, and 404 for a year without data', async () => {
    const res = await clerk('/calendar/years/2025');
    expect(res.status).toBe(200);
    const byDate = new Map(res.body.days.map((d: { date: string }) => [d.date, d]));
    expect(byDate.get('2025-01-26')).toMatchObject({
      kind: 'makeup-workday',
      working: true,
      name: '春节',
      weekdayName: '星期日',
      source: 'national',
      overlay: false,
    });
    expect(byDate.get('2025-01-28')).toMatchObject({ kind: 'holiday', working: false, name: '春节' });
    const missing = await expectRefused(404, 'calendar-year-not-found', () => clerk('/calendar/years/2027'));
    expect(missing.body.i18n['zh-CN'].detail).toMatch(/^2027 年尚无节假日数据/);
    expect(missing.body.i18n.en.detail).toMatch(/No holiday data for 2027/);
    await expectRefused(400, 'validation-failed', () => clerk('/calendar/years/20x5'));
    await expectRefused(404, 'region-unknown', () => clerk('/calendar/years/2025?region=999999'));
  });
});

describe('deadline calculator', () => {
  it('counts 3 working days across the 2025 Spring Festival, the 调休 Sunday included', async () => {
    const res = await deadlineOf('2025-01-24T10:00+08:00', 3);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      deadline: '2025-02-05T16:00:00.000Z',
      deadlineLocal: '2025-02-06T00:00:00+08:00',
      deadlineText: '2025-02-05 24:00 星期三',
      fallbackYears: [],
      fallbackPolicy: 'refuse',
    });
    expect(res.body.workingDays.map((d: { date: string; counted: number }) => [d.date, d.counted])).toEqual([
      ['2025-01-26', 1],
      ['2025-01-27', 1],
      ['2025-02-05', 1],
    ]);
    const skipped = res.body.skippedDays.map((d: { date: string; kind: string; name: string | null }) =>
      `${d.date} ${d.kind} ${d.name ?? ''}`.trim(),
    );
    expect(skipped).toEqual([
      '2025-01-25 weekend',
      ...['01-28', '01-29', '01-30', '01-31', '02-01', '02-02', '02-03', '02-04'].map((d) => `2025-${d} holiday 春节`),
    ]);
  });

  it('refuses a deadline reaching into 2027 with the calendar’s bilingual message', async () => {
    const res = await expectRefused(422, 'calendar-year-missing', () => deadlineOf('2026-12-28T10:00+08:00', 10));
    expect(res.body.year).toBe(2027);
    expect(res.body.i18n['zh-CN'].detail).toMatch(/2027 年的节假日数据尚未录入/);
    expect(res.body.i18n.en.detail).toMatch(/No holiday calendar for 2027/);
  });

  it('answers 400 for a start without a zone or a negative amount', async () => {
    await expectRefused(400, 'validation-failed', () => deadlineOf('2025-01-24T10:00', 3));
    await expectRefused(400, 'validation-failed', () => deadlineOf('2025-01-24T10:00Z', -1));
  });
});

describe('admin enters a year', () => {
  it('PUT 2027 makes the calculator answer for it', async () => {
    const res = await admin('put', '/calendar/years/2027', schedule2027);
    expectAccepted(res);
    expect(res.body).toMatchObject({ year: 2027, region: 'CN', source: 'admin', holidays: 9, workdays: 1 });
    expect(res.body.days.find((d: { date: string }) => d.date === '2027-02-14')).toMatchObject({
      kind: 'makeup-workday',
      name: '春节',
    });

    const years = await clerk('/calendar/years');
    expect(years.body.years.find((y: { year: number }) => y.year === 2027)).toMatchObject({
      covered: true,
      source: 'admin',
      holidays: 9,
      workdays: 1,
      adminDays: 10,
    });

    // Thu 4 Feb + 3: Fri 5 Feb, (holidays 6–13 Feb), Sun 14 Feb (调休), Mon 15 Feb.
    const calc = await deadlineOf('2027-02-04T10:00+08:00', 3);
    expect(calc.status, JSON.stringify(calc.body)).toBe(200);
    expect(calc.body.deadline).toBe('2027-02-15T16:00:00.000Z');
    expect(calc.body.workingDays.map((d: { date: string }) => d.date)).toEqual([
      '2027-02-05',
      '2027-02-14',
      '2027-02-15',
    ]);
    const across = await deadlineOf('2026-12-28T10:00+08:00', 10);
    expect(across.status, JSON.stringify(across.body)).toBe(200);
    expect(across.body.skippedDays.map((d: { date: string; name: string | null }) => [d.date, d.name])).toContainEqual([
      '2027-01-01',
      '元旦',
    ]);
  });

  it('a second PUT replaces the whole year', async () => {
    const res = await admin('put', '/calendar/years/2027', { ...schedule2027, workdays: [] });
    expectAccepted(res);
    expect(res.body).toMatchObject({ holidays: 9, workdays: 0 });
    expect(res.body.days.some((d: { date: string }) => d.date === '2027-02-14')).toBe(false);
    const restored = await admin('put', '/calendar/years/2027', schedule2027);
    expect(restored.body.workdays).toBe(1);
  });
});

describe('refusals leave the calendar and the audit log as they were', () => {
  const bad = (patch: Partial<typeof schedule2027>) => () =>
    admin('put', '/calendar/years/2027', { ...schedule2027, ...patch });

  it('403 for a non-admin', async () => {
    await expectRefused(403, 'role-forbidden', () =>
      call('t01.supervisor', 'put', '/calendar/years/2027', schedule2027),
    );
    await expectRefused(403, 'role-forbidden', () =>
      call('t01.window', 'put', '/calendar/days/2026-12-01', { kind: 'holiday', name: 'x', reason: 'x' }),
    );
  });

  it('400 for unknown fields, a missing reason, a date that does not exist, a year out of range', async () => {
    const unknown = await expectRefused(400, 'validation-failed', () =>
      admin('put', '/calendar/years/2027', { ...schedule2027, source: 'admin' }),
    );
    expect(unknown.body.issues[0].message_en).toMatch(/source/);
    await expectRefused(400, 'validation-failed', () =>
      admin('put', '/calendar/years/2027', { holidays: schedule2027.holidays, workdays: [] }),
    );
    const nonDate = await expectRefused(
      400,
      'validation-failed',
      bad({ holidays: [{ date: '2027-02-30', name: '春节' }] }),
    );
    expect(nonDate.body.issues[0].path).toBe('body.holidays.0.date');
    await expectRefused(400, 'validation-failed', () => admin('put', '/calendar/years/1900', schedule2027));
    await expectRefused(400, 'validation-failed', () =>
      admin('put', '/calendar/days/2027-02-08', { kind: 'vacation', name: 'x', reason: 'x' }),
    );
  });

  it('422 for a date outside the year, a date twice, a day both off and on, a weekday as make-up workday, no holiday at all', async () => {
    const outside = await expectRefused(
      422,
      'date-outside-year',
      bad({ holidays: [...schedule2027.holidays, { date: '2028-01-01', name: '元旦' }] }),
    );
    expect(outside.body.issues).toEqual([expect.objectContaining({ path: 'body.holidays.9.date' })]);
    await expectRefused(
      422,
      'date-listed-twice',
      bad({ holidays: [...schedule2027.holidays, { date: '2027-02-08', name: '春节' }] }),
    );
    await expectRefused(422, 'holiday-and-workday', bad({ workdays: [{ date: '2027-02-08', name: '春节' }] }));
    const weekday = await expectRefused(
      422,
      'makeup-workday-not-weekend',
      bad({ workdays: [{ date: '2027-02-17', name: '春节' }] }),
    );
    expect(weekday.body.i18n['zh-CN'].detail).toMatch(/2027-02-17 是星期三/);
    await expectRefused(422, 'no-holidays', bad({ holidays: [], workdays: [] }));
    await expectRefused(422, 'makeup-workday-not-weekend', () =>
      admin('put', '/calendar/days/2026-12-02', { kind: 'workday', name: '调休', reason: '更正' }),
    );
  });

  it('single-day corrections need the year first; deleting a day without an entry is a 404', async () => {
    const res = await expectRefused(422, 'calendar-year-not-covered', () =>
      admin('put', '/calendar/days/2028-01-03', { kind: 'holiday', name: '元旦', reason: '提前录入' }),
    );
    expect(res.body.i18n['zh-CN'].detail).toMatch(/请先导入全年安排/);
    await expectRefused(422, 'calendar-year-not-covered', () =>
      admin('put', `/calendar/years/2028?region=${REGION}`, { holidays: [], workdays: [], reason: '地方叠加' }),
    );
    await expectRefused(404, 'calendar-day-not-found', () =>
      admin('delete', '/calendar/days/2026-12-02', { reason: '更正' }),
    );
    await expectRefused(404, 'region-unknown', () =>
      admin('put', '/calendar/days/2026-12-02?region=999999', { kind: 'holiday', name: 'x', reason: 'x' }),
    );
  });
});

describe('regional overlays and single days', () => {
  it('an overlay day applies in its region only, is marked as such, and may cancel a national holiday', async () => {
    const added = await admin('put', `/calendar/days/2025-03-03?region=${REGION}`, {
      kind: 'holiday',
      name: '地方节日（测试）',
      reason: '地方规定',
    });
    expectAccepted(added);
    expect(added.body).toMatchObject({
      region: REGION,
      before: null,
      after: { kind: 'holiday', source: 'admin' },
      day: { kind: 'holiday', overlay: true, source: REGION },
    });
    // A Tuesday that is a national holiday: the overlay may make it a working day there.
    const cancel = await admin('put', `/calendar/days/2025-01-28?region=${REGION}`, {
      kind: 'workday',
      name: '地方上班（测试）',
      reason: '地方规定',
    });
    expectAccepted(cancel);
    expect(cancel.body.day).toMatchObject({
      working: true,
      overlay: true,
      overrides: { kind: 'holiday', name: '春节' },
    });

    const year = await clerk(`/calendar/years/2025?region=${REGION}`);
    const day = (d: string) => year.body.days.find((x: { date: string }) => x.date === d);
    expect(day('2025-03-03')).toMatchObject({ overlay: true, name: '地方节日（测试）' });
    expect(day('2025-01-29')).toMatchObject({ overlay: false, source: 'national' });
    const list = await clerk(`/calendar/years?region=${REGION}`);
    expect(list.body.years.find((y: { year: number }) => y.year === 2025).overlay).toMatchObject({
      region: REGION,
      holidays: 1,
      workdays: 1,
      adminDays: 2,
      source: null,
    });

    const national = await deadlineOf('2025-02-28T10:00+08:00', 1);
    const regional = await deadlineOf('2025-02-28T10:00+08:00', 1, REGION);
    expect(national.body.deadline).toBe('2025-03-03T16:00:00.000Z');
    expect(regional.body.deadline).toBe('2025-03-04T16:00:00.000Z');

    for (const date of ['2025-03-03', '2025-01-28']) {
      const removed = await admin('delete', `/calendar/days/${date}?region=${REGION}`, { reason: '测试结束' });
      expectAccepted(removed);
      expect(removed.body.after).toBeNull();
    }
    expect((await deadlineOf('2025-02-28T10:00+08:00', 1, REGION)).body.deadline).toBe('2025-03-03T16:00:00.000Z');
  });

  it('the admin:calendar audit stream holds every write and verifies', async () => {
    const verdict = await verifyStream(t.deps.database.db, 'admin:calendar');
    // 2027 entered, replaced and restored; two overlay days added and removed.
    expect(verdict).toMatchObject({ ok: true, entries: 7 });
  });
});

// ── single days and whole years ─────────────────────────────────────────────────────────────

describe('GET /calendar/days/{date}', () => {
  it('says how the calendar sees a day: holiday, make-up workday, weekend, workday, overlay', async () => {
    const day = async (path: string) => {
      const res = await clerk(path);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    expect(await day('/calendar/days/2025-01-28')).toMatchObject({
      date: '2025-01-28',
      kind: 'holiday',
      working: false,
      name: '春节',
      weekdayName: '星期二',
      source: 'national',
      overlay: false,
    });
    expect(await day('/calendar/days/2025-01-26')).toMatchObject({
      kind: 'makeup-workday',
      working: true,
      name: '春节',
      weekday: 0,
    });
    expect(await day('/calendar/days/2025-03-08')).toMatchObject({
      kind: 'weekend',
      working: false,
      name: null,
      source: null,
    });
    expect(await day('/calendar/days/2025-03-04')).toMatchObject({
      kind: 'workday',
      working: true,
      name: null,
      fallback: false,
    });

    const added = await admin('put', `/calendar/days/2025-03-04?region=${REGION}`, {
      kind: 'holiday',
      name: '地方节日（测试）',
      reason: '地方规定',
    });
    expectAccepted(added);
    expect(await day(`/calendar/days/2025-03-04?region=${REGION}`)).toMatchObject({
      kind: 'holiday',
      working: false,
      overlay: true,
      source: REGION,
    });
    expect(await day('/calendar/days/2025-03-04')).toMatchObject({ kind: 'workday', overlay: false });
    expectAccepted(await admin('delete', `/calendar/days/2025-03-04?region=${REGION}`, { reason: '测试结束' }));
  });

  it('404 for a year without national data or an unknown region, 400 for a date that does not exist', async () => {
    const missing = await expectRefused(404, 'calendar-year-not-found', () => clerk('/calendar/days/2031-05-01'));
    expect(missing.body.i18n['zh-CN'].detail).toMatch(/^2031 年尚无节假日数据/);
    await expectRefused(404, 'region-unknown', () => clerk('/calendar/days/2025-03-04?region=999999'));
    await expectRefused(400, 'validation-failed', () => clerk('/calendar/days/2025-02-30'));
    await expectRefused(401, 'unauthenticated', () => call(null, 'get', '/calendar/days/2025-03-04'));
  });
});

describe('DELETE /calendar/years/{year} without live cases', () => {
  const overlay2027 = {
    holidays: [{ date: '2027-03-01', name: '地方节日（测试）' }],
    workdays: [],
    reason: '地方规定',
  };

  it('refuses national data under an overlay, deletes the overlay, then the national year', async () => {
    expectAccepted(await admin('put', `/calendar/years/2027?region=${REGION}`, overlay2027));
    const under = await expectRefused(409, 'calendar-year-has-overlays', () =>
      admin('delete', '/calendar/years/2027', { reason: '录入有误' }),
    );
    expect(under.body.regions).toEqual([REGION]);
    expect(under.body.i18n['zh-CN'].detail).toMatch(/请先删除地方叠加/);

    const overlay = await admin('delete', `/calendar/years/2027?region=${REGION}`, { reason: '地方规定撤销' });
    expectAccepted(overlay);
    expect(overlay.body).toMatchObject({ region: REGION, year: 2027, deleted: { holidays: 1, workdays: 0 } });
    expect((await clerk(`/calendar/days/2027-03-01?region=${REGION}`)).body).toMatchObject({
      kind: 'workday',
      overlay: false,
    });

    const national = await admin('delete', '/calendar/years/2027', { reason: '录入有误，重新录入' });
    expectAccepted(national);
    expect(national.body).toMatchObject({ region: 'CN', year: 2027, deleted: { holidays: 9, workdays: 1 } });
    await expectRefused(404, 'calendar-year-not-found', () => clerk('/calendar/years/2027'));
    await expectRefused(422, 'calendar-year-missing', () => deadlineOf('2027-02-04T10:00+08:00', 3));

    expectAccepted(await admin('put', '/calendar/years/2027', schedule2027));
    expect((await deadlineOf('2027-02-04T10:00+08:00', 3)).body.deadline).toBe('2027-02-15T16:00:00.000Z');
  });

  it('404 for a year or overlay without data, 403 for a non-admin, 400 without a reason', async () => {
    await expectRefused(404, 'calendar-year-not-found', () =>
      admin('delete', '/calendar/years/2031', { reason: '测试' }),
    );
    await expectRefused(404, 'calendar-overlay-not-found', () =>
      admin('delete', `/calendar/years/2027?region=${REGION}`, { reason: '测试' }),
    );
    await expectRefused(403, 'role-forbidden', () =>
      call('t01.supervisor', 'delete', '/calendar/years/2027', { reason: '测试' }),
    );
    await expectRefused(400, 'validation-failed', () => admin('delete', '/calendar/years/2027', {}));
  });

  it('every delete is in the verified audit stream', async () => {
    // 7 writes before; the day overlay added and removed, the 2027 overlay entered and deleted, 2027 deleted and entered again.
    expect(await verifyStream(t.deps.database.db, 'admin:calendar')).toMatchObject({ ok: true, entries: 13 });
  });
});

// ── live recompute through real Temporal ─────────────────────────────────────────────────────

const listedDays = (years: number[]) => listedDaysOf(clerk, years, REGION);

interface CaseDetail {
  deadline: string;
  createdAt: string;
  closedAt: string | null;
  clocks: { deadline: string }[];
  live?: { clocks: { deadline: string | null }[] } | null;
}

interface RecomputeProgress {
  status: string;
  total: number | null;
  done: number;
  closed: number;
  failures: number;
  startedAt: string | null;
  finishedAt: string | null;
}

describe('a calendar change recomputes live deadlines', () => {
  const thisYear = Number(localDate(Date.now()).slice(0, 4));
  const years = [thisYear, thisYear + 1];
  let caseId = '';
  const detail = async (): Promise<CaseDetail> => {
    const res = await call('t01.supervisor', 'get', `/cases/${caseId}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  const newWorker = () =>
    createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue: TASK_QUEUE,
      activities: createActivities({ db: t.deps.database.db, temporal: env.client }),
      workflowBundle: bundle,
    });

  it(
    'a holiday inside a task’s window moves its deadline by exactly one working day',
    { timeout: 120_000 },
    async () => {
      // Tests run on any date: make sure this year and the next have data before the task starts.
      for (const year of years) {
        if ((await clerk(`/calendar/years/${year}`)).status !== 404) continue;
        expectAccepted(
          await admin('put', `/calendar/years/${year}`, {
            holidays: [{ date: `${year}-01-01`, name: '元旦' }],
            workdays: [],
            reason: '测试所需',
          }),
        );
      }

      const worker = await newWorker();
      await worker.runUntil(async () => {
        const created = await call('t01.supervisor', 'post', '/tasks', {
          title: '整改：背街小巷占道经营回潮',
          description: '日历变更后期限重算测试',
          unitId: 'lk.t01.v01',
          budget: { unit: 'workday', amount: 5 },
        });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        caseId = created.body.caseId;
        const before = await detail();
        const startMs = Date.parse(before.createdAt);
        const listed = await listedDays(years);
        const oldDeadline = Date.parse(before.deadline);
        expect(oldDeadline).toBe(workdayDeadline(listed, startMs, 5));

        // The first counted working day becomes a holiday; the deadline moves to the next working day after the old one.
        const holiday = nextWorkingDay(listed, localDate(startMs));
        const expected = localMidnight(nextWorkingDay(listed, localDate(oldDeadline - 1))) + DAY;
        const put = await admin('put', `/calendar/days/${holiday}`, {
          kind: 'holiday',
          name: '临时放假（测试）',
          reason: '日历变更重算测试',
        });
        expectAccepted(put);
        expect(put.body).toMatchObject({ day: { kind: 'holiday', working: false } });

        // The fan-out tells the live case (and finishes every earlier change of this file with it).
        const progress = await pollUntil(
          async () => (await admin('get', `/calendar/recomputes/${put.body.recompute.id}`)).body as RecomputeProgress,
          (p) => p.status === 'done',
          60_000,
        );
        expect(progress).toMatchObject({ status: 'done', total: 1, done: 1, closed: 0, failures: 0 });
        expect(Date.parse(progress.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(progress.startedAt!));

        // First the live workflow (Temporal query) recomputes, then its projection in PostgreSQL follows.
        const want = new Date(expected).toISOString();
        const liveDeadline = (d: CaseDetail) => d.live?.clocks[0]?.deadline;
        const live = await pollUntil(detail, (d) => liveDeadline(d) === want);
        expect(liveDeadline(live), 'the live workflow recomputes its deadline').toBe(want);
        const projected = await pollUntil(detail, (d) => d.deadline === want);
        expect(projected.deadline, `the projection follows the live deadline (live: ${liveDeadline(projected)})`).toBe(
          want,
        );
        expect(projected.clocks[0]?.deadline).toBe(want);
        expect((await verifyStream(t.deps.database.db, 'admin:calendar')).ok).toBe(true);
      });
    },
  );

  it(
    'a year a live deadline depends on cannot be deleted until the case is closed; another year can',
    { timeout: 120_000 },
    async () => {
      const worker = await newWorker();
      await worker.runUntil(async () => {
        const before = await detail();
        const refused = await expectRefused(409, 'calendar-year-in-use', () =>
          admin('delete', `/calendar/years/${thisYear}`, { reason: '测试删除' }),
        );
        expect(refused.body).toMatchObject({ year: thisYear, count: 1, caseIds: [caseId] });
        expect(refused.body.i18n['zh-CN'].detail).toMatch(
          new RegExp(`1 个在办案件的期限仍依赖 ${thisYear} 年的日历（${caseId}）`),
        );
        expect(refused.body.i18n.en.detail).toMatch(/cannot be deleted until they are closed/);
        // 2025 lies before the case was opened: nothing live depends on it.
        const old = await admin('delete', '/calendar/years/2025', { reason: '历史数据清理（测试）' });
        expectAccepted(old);
        const told = await pollUntil(
          async () => (await admin('get', `/calendar/recomputes/${old.body.recompute.id}`)).body as RecomputeProgress,
          (p) => p.status === 'done',
          60_000,
        );
        expect(told).toMatchObject({ status: 'done', total: 1, done: 1 });
        expect((await detail()).deadline).toBe(before.deadline);

        // The closing action is answered even while the case takes in the calendar signal (tests/fault/calendar-signal-race.test.ts).
        const done = await call('t01.v01.handler', 'post', `/tasks/${caseId}/actions`, {
          type: 'complete',
          result: '已清理',
        });
        expect(done.status, JSON.stringify(done.body)).toBe(200);
        const closed = await pollUntil(detail, (d) => d.closedAt !== null);
        expect(closed.closedAt).not.toBeNull();
        expectAccepted(await admin('delete', `/calendar/years/${thisYear}`, { reason: '测试删除' }));
        await expectRefused(404, 'calendar-year-not-found', () => clerk(`/calendar/years/${thisYear}`));
      });
    },
  );
});
