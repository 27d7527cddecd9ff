import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { planIncident } from '../../db/incident';
import { auditLog, incidentFacts, notices } from '../../db/schema';
import { seedDemoCounty } from '../../db/seed/seed';
import { findUnit } from '../../db/units';
import type { CalendarData } from '../../domain/calendar';
import type { IncidentSource } from '../../domain/incident';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import type { Actor } from '../../domain/vocabulary';
import {
  caseStateQuery,
  incidentActionUpdate,
  type IncidentAction,
  type IncidentView,
  type StartIncidentInput,
} from '../../workflows/incident/definitions';
import type { incidentWorkflow } from '../../workflows/incident/workflow';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTimeSkippingEnvironment } from '../support/temporal';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SH = 8 * HOUR;

const localDate = (ms: number) => new Date(ms + SH).toISOString().slice(0, 10);
const localMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
const isWeekday = (dayMs: number) => ![0, 6].includes(new Date(dayMs + SH).getUTCDay());

/** Oracle independent of domain/calendar.ts (Mon–Fri, no holidays): 24:00 of the n-th working day after the start day. */
function workdayDeadline(startMs: number, n: number): number {
  let day = localMidnight(localDate(startMs));
  for (let counted = 0; counted < n;) {
    day += DAY;
    if (isWeekday(day)) counted += 1;
  }
  return day + DAY;
}

/** Oracle for L1 "same working day": 24:00 of the start day when it is a working day, else of the next one. */
function sameWorkdayDeadline(startMs: number): number {
  let day = localMidnight(localDate(startMs));
  while (!isWeekday(day)) day += DAY;
  return day + DAY;
}

/** Plain Mon–Fri for this year and the next, so the L4 limit may run into next year. */
function weekdayCalendar(now: number): CalendarData {
  const year = Number(localDate(now).slice(0, 4));
  return {
    years: { [String(year)]: { holidays: [], workdays: [] }, [String(year + 1)]: { holidays: [], workdays: [] } },
  };
}

let env: TestWorkflowEnvironment;
let tdb: TestDatabase;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  [env, tdb, bundle] = await Promise.all([createTimeSkippingEnvironment(), createTestDatabase(), bundleWorkflows()]);
  await seedDemoCounty(tdb.db);
});
afterAll(async () => {
  await env?.teardown();
  await tdb?.drop();
});

const actor = (userId: string, role: string, unitPath: string): Actor => ({
  userId,
  role,
  unitId: unitPath.split('/').at(-1)!,
  unitPath,
});
const gridWorker = actor('u.lk.t01.v01.g01.grid', 'grid_worker', 'lk/lk.t01/lk.t01.v01/lk.t01.v01.g01');
const centre = actor('u.lk.zhzx.dispatcher', 'dispatcher', 'lk/lk.zhzx');
const townshipHandler = actor('u.lk.t01.handler', 'handler', 'lk/lk.t01');

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `incident-${randomUUID()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db: tdb.db, temporal: env.client }),
    workflowBundle: bundle,
  });
  return worker.runUntil(fn(taskQueue));
}

/** The input the API would build, from the seeded configuration. */
async function inputFor(
  caseId: string,
  now: number,
  opts: { source: IncidentSource; startLevel: 1 | 3; reportedBy: Actor; hotlineType?: string },
): Promise<StartIncidentInput> {
  const grid = (await findUnit(tdb.db, 'lk.t01.v01.g01'))!;
  const planned = await planIncident(tdb.db, {
    categoryCode: 'city-appearance',
    urgencyCode: 'normal',
    grid,
    source: opts.source,
    hotlineType: opts.hotlineType,
  });
  if (!planned.ok) throw new Error(planned.violation.en);
  const { plan } = planned;
  return {
    caseId,
    title: '占道经营',
    description: '时限测试',
    source: opts.source,
    category: plan.category,
    urgency: plan.urgency,
    location: { address: '胡寨村主街' },
    attachments: [],
    territory: plan.territory,
    startLevel: opts.startLevel,
    routes: plan.routes,
    dispatchers: plan.dispatchers,
    limits: plan.limits,
    verifiers: plan.verifiers,
    callback: plan.callback,
    hotline: plan.hotline
      ? {
          orderType: plan.hotline.code,
          orderTypeName: plan.hotline.name,
          limit: plan.hotline.limit,
          requester: { name: '张女士' },
        }
      : null,
    reportedBy: opts.reportedBy,
    calendar: { data: weekdayCalendar(now), fallback: 'refuse' },
  };
}

/**
 * Query until `done` holds: after `env.sleep` returns, the timer has fired but the workflow may
 * still be recording it (activities) on a loaded machine.
 */
async function settled(query: () => Promise<IncidentView>, done: (v: IncidentView) => boolean): Promise<IncidentView> {
  for (let i = 0; ; i += 1) {
    const v = await query();
    if (done(v) || i >= 100) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The case's notices, once at least `n` are there (they are sent right after the transition is recorded). */
async function noticesFor(caseId: string, n: number) {
  for (let i = 0; ; i += 1) {
    const rows = await tdb.db.select().from(notices).where(eq(notices.caseId, caseId)).orderBy(asc(notices.id));
    if (rows.length >= n || i >= 100) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const deadlineOf = (view: IncidentView, key: string) => Date.parse(view.clocks.find((c) => c.key === key)!.deadline!);

describe('incident timers on the time-skipping server', () => {
  it('escalates L1 → L2 → L3 → L4 purely by expiring limits, recording and urging (督办) the late unit at every level; red card at L4 expiry', async () => {
    const start = await env.currentTimeMs();
    const caseId = `SJ-T-${randomUUID().slice(0, 8)}`;
    const input = await inputFor(caseId, start, { source: 'patrol', startLevel: 1, reportedBy: gridWorker });
    const view = await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [input],
      });
      const query = async () => (await handle.query(caseStateQuery)) as IncidentView;
      const sleepPast = async (ms: number) => env.sleep(ms - (await env.currentTimeMs()) + 1000);

      const l1 = sameWorkdayDeadline(start);
      expect(deadlineOf(await query(), 'level-1')).toBe(l1);
      await sleepPast(l1);
      let v = await settled(query, (x) => x.level === 2);
      expect(v).toMatchObject({ level: 2, status: 'dispatched', assignee: { unitId: 'lk.t01.v01' } });
      expect(v.lateUnits).toEqual([
        expect.objectContaining({ level: 1, unitId: 'lk.t01.v01.g01', deadline: new Date(l1).toISOString() }),
      ]);

      const l2 = workdayDeadline(Date.parse(v.escalations[0]!.at), 3);
      expect(deadlineOf(v, 'level-2')).toBe(l2);
      await sleepPast(l2);
      v = await settled(query, (x) => x.level === 3);
      expect(v).toMatchObject({ level: 3, assignee: { unitId: 'lk.t01' } });
      expect(v.lateUnits[1]).toMatchObject({ level: 2, unitId: 'lk.t01.v01', deadline: new Date(l2).toISOString() });

      const l3 = workdayDeadline(Date.parse(v.escalations[1]!.at), 7);
      expect(deadlineOf(v, 'level-3')).toBe(l3);
      await sleepPast(l3);
      v = await settled(query, (x) => x.level === 4);
      expect(v).toMatchObject({ level: 4, assignee: { unitId: 'lk.dept.cgzf' }, redCard: false });

      const l4 = workdayDeadline(Date.parse(v.escalations[2]!.at), 15);
      expect(deadlineOf(v, 'level-4')).toBe(l4);
      await sleepPast(l4);
      const last = await settled(query, (x) => x.redCard);
      await noticesFor(caseId, 5);
      return last;
    });
    expect(view).toMatchObject({ level: 4, status: 'dispatched', redCard: true, finalLevel: null });
    expect(view.escalations.map((e) => [e.from, e.to, e.automatic])).toEqual([
      [1, 2, true],
      [2, 3, true],
      [3, 4, true],
    ]);
    expect(view.lateUnits.map((l) => [l.level, l.unitId])).toEqual([
      [1, 'lk.t01.v01.g01'],
      [2, 'lk.t01.v01'],
      [3, 'lk.t01'],
      [4, 'lk.dept.cgzf'],
    ]);
    const sent = await noticesFor(caseId, 5);
    expect(sent).toEqual([
      // Each level's late unit, and its leader where the unit has one (a grid has none).
      expect.objectContaining({
        kind: 'overdue',
        key: 'overdue:level-1',
        unitId: 'lk.t01.v01.g01',
        recipientUserId: null,
        message: expect.stringContaining('一级（网格）处置时限已到未办结'),
      }),
      expect.objectContaining({
        kind: 'overdue',
        key: 'overdue:level-2',
        unitId: 'lk.t01.v01',
        recipientUserId: 'u.lk.t01.v01.leader',
        message: expect.stringContaining('已自动上报至三级'),
      }),
      expect.objectContaining({
        kind: 'overdue',
        key: 'overdue:level-3',
        unitId: 'lk.t01',
        recipientUserId: 'u.lk.t01.leader',
        message: expect.stringContaining('【督办】'),
      }),
      expect.objectContaining({ kind: 'red-card', unitId: 'lk.dept.cgzf', recipientUserId: 'u.lk.cgzf.leader' }),
      expect.objectContaining({ kind: 'overdue', unitId: 'lk', recipientUserId: 'u.lk.lk.leader' }),
    ]);
    const actions = (
      await tdb.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.streamId, caseId))
    ).map((r) => r.action);
    expect(actions.filter((a) => a === 'incident.auto-escalate')).toHaveLength(3);
    expect(actions).toContain('incident.red-card');
    // Blue and yellow warnings were recorded on the way.
    expect(actions.filter((a) => a === 'clock.level').length).toBeGreaterThanOrEqual(4);
    const [facts] = await tdb.db.select().from(incidentFacts).where(eq(incidentFacts.caseId, caseId));
    expect(facts).toMatchObject({
      currentLevel: 4,
      autoEscalations: 3,
      escalations: 3,
      redCard: true,
      finalLevel: null,
    });
    expect(facts!.lateUnits).toHaveLength(4);
  });

  it('a 12345 order passing its deadline is due for a callback, with 督办 to the handling unit', async () => {
    const start = await env.currentTimeMs();
    const caseId = `SJ-T-${randomUUID().slice(0, 8)}`;
    const input = await inputFor(caseId, start, {
      source: 'hotline',
      startLevel: 3,
      reportedBy: centre,
      hotlineType: 'life-safety',
    });
    const final = await withWorker(async (taskQueue) => {
      const h = await env.client.workflow.start<typeof incidentWorkflow>('incidentWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [input],
      });
      const act = (who: Actor, action: IncidentAction) =>
        h.executeUpdate(incidentActionUpdate, { args: [{ actor: who, action }] });
      const before = (await h.query(caseStateQuery)) as IncidentView;
      const deadline = Date.parse(before.history[0]!.at) + 2 * HOUR;
      expect(before.hotline).toMatchObject({ deadline: new Date(deadline).toISOString(), callbackDue: false });
      await env.sleep(deadline - (await env.currentTimeMs()) + 1000);
      const due = await settled(
        async () => (await h.query(caseStateQuery)) as IncidentView,
        (x) => x.hotline?.callbackDue === true,
      );
      expect(due.hotline).toMatchObject({ overdue: true, callbackDue: true });
      // The command centre sent the order: it may re-assign it, extend it and call back.
      expect(due.assignments).toContainEqual({
        unitId: 'lk.zhzx',
        role: 'dispatcher',
        actions: ['dispatch', 'extend', 'callback'],
      });
      // Still at L3 with the township: only the order deadline passed.
      expect(due).toMatchObject({ status: 'dispatched', level: 3, lateUnits: [] });

      const called = await act(centre, {
        type: 'callback',
        satisfaction: 'unsatisfied',
        resolved: false,
        note: '尚未处理',
      });
      expect(called.callbacks).toEqual([expect.objectContaining({ atDeadline: true, satisfaction: 'unsatisfied' })]);
      expect(called).toMatchObject({ status: 'dispatched', hotline: expect.objectContaining({ callbackDue: false }) });

      await act(townshipHandler, { type: 'sign' });
      await act(townshipHandler, {
        type: 'resolve',
        result: '已处置',
        evidence: ['photo:1'],
        noPhotoReason: '照片已线下存档',
      });
      await act(gridWorker, { type: 'verify', passed: true, note: '已处置' });
      return act(centre, { type: 'callback', satisfaction: 'basic', resolved: true });
    });
    expect(final).toMatchObject({ status: 'closed', finalLevel: 3, firstReceiverUnitId: 'lk.t01' });
    const sent = await tdb.db
      .select()
      .from(notices)
      .where(and(eq(notices.caseId, caseId), eq(notices.kind, 'overdue')));
    expect(sent).toEqual([expect.objectContaining({ unitId: 'lk.t01', recipientUserId: 'u.lk.t01.leader' })]);
    const [facts] = await tdb.db.select().from(incidentFacts).where(eq(incidentFacts.caseId, caseId));
    // Signed only after the deadline: not responded; resolved and basically satisfied at the final callback.
    expect(facts).toMatchObject({
      hotlineType: 'life-safety',
      hotlineResponded: false,
      hotlineResolved: true,
      satisfaction: 'basic',
      onTime: false,
      finalLevel: 3,
    });
  });
});
