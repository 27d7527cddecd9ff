import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { cycleStartInput, openCycle, saveSchemeVersion } from '../../db/assessment';
import { assessmentAppeals, assessmentCycles, assessmentResults, cases, notices } from '../../db/schema';
import { seedDemoCounty } from '../../db/seed/seed';
import { previousPeriod, schemeDefinitionSchema } from '../../domain/assessment';
import type { CalendarData } from '../../domain/calendar';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import {
  assessmentActionUpdate,
  caseStateQuery,
  type AssessmentAction,
  type AssessmentActor,
  type AssessmentView,
} from '../../workflows/assessment/definitions';
import type { assessmentCycleWorkflow } from '../../workflows/assessment/workflow';
import type { CaseErrorDetail } from '../../workflows/shared/errors';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTimeSkippingEnvironment } from '../support/temporal';

const DAY = 86_400_000;

/** Plain Mon–Fri for this year and the next, so windows may run into next year. */
function weekdayCalendar(now: number): CalendarData {
  const year = new Date(now + 8 * 3_600_000).getUTCFullYear();
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

const actor = (username: string, role: string, unitPath: string, isLeader = false): AssessmentActor => ({
  userId: `u.lk.${username}`,
  role,
  unitId: unitPath.split('/').at(-1)!,
  unitPath,
  isLeader,
});
const assessor = actor('lk.assessor', 'assessor', 'lk');
const scjg = actor('scjg.leader', 'approver', 'lk/lk.dept.scjg', true);
const zrzy = actor('zrzy.leader', 'approver', 'lk/lk.dept.zrzy', true);
const t01Leader = actor('t01.leader', 'supervisor', 'lk/lk.t01', true);
const t02Assessor = actor('t02.assessor', 'assessor', 'lk/lk.t02');
const t03Handler = actor('t03.handler', 'handler', 'lk/lk.t03');

/**
 * Townships rated by two departments on one manual indicator (50 points), plus 督办 deductions
 * (50 points; no notices in this database, so full marks): total = 50 + manual ÷ 2.
 */
const SCHEME = schemeDefinitionSchema.parse({
  direction: 'county-to-township',
  period: 'month',
  ownerUnitId: 'lk',
  ratees: { type: 'units', units: { kinds: ['township', 'street'] } },
  sides: [
    {
      code: 'county',
      name: '县直部门',
      weight: 1,
      raters: { relation: 'fixed', units: { kinds: ['department'], ids: ['lk.dept.scjg', 'lk.dept.zrzy'] } },
    },
  ],
  indicators: [
    {
      code: 'urging',
      name: '督办扣分',
      side: 'county',
      weight: 50,
      formula: { type: 'deduction', metric: 'notice.overdue', perEvent: 10 },
    },
    { code: 'work', name: '工作评价', side: 'county', weight: 50, formula: { type: 'manual' } },
  ],
  missingScore: 'average-of-others',
});

async function failureOf(p: Promise<unknown>): Promise<{ type: string | undefined; code: string | undefined }> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    const cause = (err as WorkflowUpdateFailedError).cause as { type?: string; details?: unknown[] } | undefined;
    return { type: cause?.type, code: (cause?.details?.[0] as CaseErrorDetail | undefined)?.code };
  }
  throw new Error('expected the update to be refused');
}

describe('an assessment cycle on the time-skipping server', () => {
  it('reminds a late rater, fills a missing score by rule, recomputes after an adjusted appeal, keeps a rejected one, refuses an appeal after the window, continues as new and ends final with a rectification task', async () => {
    const db = tdb.db;
    await db.transaction((tx) =>
      saveSchemeVersion(tx, {
        code: 'test-monthly',
        name: '测试月度考核',
        active: true,
        definition: SCHEME,
        reason: null,
        userId: 'test',
      }),
    );
    const now = Date.now();
    const period = previousPeriod('month', now);
    const opened = await openCycle(db, 'test-monthly', period.key, now, assessor.userId);
    if (!opened.ok) throw new Error(opened.en);
    const start = await cycleStartInput(
      db,
      opened.caseId,
      assessor,
      async () => ({ data: weekdayCalendar(now), fallback: 'refuse' }),
      now,
    );
    if (!start.ok) throw new Error(start.en);
    const caseId = opened.caseId;

    const taskQueue = `assessment-${randomUUID()}`;
    const worker = await createWorker({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({ db, temporal: env.client }),
      workflowBundle: bundle,
    });
    await worker.runUntil(async () => {
      // A small history limit makes the cycle continue as new several times on the way.
      const handle = await env.client.workflow.start<typeof assessmentCycleWorkflow>('assessmentCycleWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [{ ...start.input, historyLimit: 60 }],
      });
      const firstRun = handle.firstExecutionRunId;
      const view = () => env.client.workflow.getHandle(caseId).query(caseStateQuery) as Promise<AssessmentView>;
      const settled = async (done: (v: AssessmentView) => boolean) => {
        for (let i = 0; ; i += 1) {
          const v = await view();
          if (done(v) || i >= 100) return v;
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      const run = (a: AssessmentActor, action: AssessmentAction) =>
        env.client.workflow.getHandle(caseId).executeUpdate(assessmentActionUpdate, { args: [{ actor: a, action }] });
      const score = (a: AssessmentActor, ratee: string, s: number) =>
        run(a, { type: 'score', scores: [{ rateeKey: `unit:${ratee}`, indicatorCode: 'work', score: s }] });

      expect((await settled((v) => v.phase === 'scoring')).expectedScores).toBe(6);
      // A rater scores only its own ratees and only manual indicators.
      expect(
        await failureOf(
          run(t01Leader, { type: 'score', scores: [{ rateeKey: 'unit:lk.t02', indicatorCode: 'work', score: 90 }] }),
        ),
      ).toEqual({ type: 'Forbidden', code: 'not-your-ratee' });
      expect(
        await failureOf(
          run(scjg, { type: 'score', scores: [{ rateeKey: 'unit:lk.t01', indicatorCode: 'urging', score: 90 }] }),
        ),
      ).toEqual({ type: 'RuleRefused', code: 'indicator-automatic' });
      // A non-leader approver of a rater unit is not among the scheme's raters.
      expect(
        await failureOf(
          run(
            { ...scjg, userId: 'u.lk.scjg.approver', isLeader: false },
            { type: 'score', scores: [{ rateeKey: 'unit:lk.t01', indicatorCode: 'work', score: 90 }] },
          ),
        ),
      ).toMatchObject({ code: 'not-your-ratee' });

      await score(scjg, 'lk.t01', 60);
      await score(scjg, 'lk.t01', 70); // a rater may revise until the deadline: the last score counts
      await score(scjg, 'lk.t02', 20);
      await score(scjg, 'lk.t03', 0);
      await score(zrzy, 'lk.t01', 70);
      await score(zrzy, 'lk.t03', 0);
      // zrzy never scores lk.t02: the late rater.
      expect((await view()).givenScores).toBe(5);

      const scoringDeadline = Date.parse((await view()).scoringDeadline!);
      await env.sleep(scoringDeadline - Date.now() + 60_000);
      const review = await settled((v) => v.phase === 'review');
      expect(review.phase).toBe('review');

      const reminders = await db
        .select()
        .from(notices)
        .where(and(eq(notices.caseId, caseId), eq(notices.kind, 'urge')));
      expect(reminders.map((n) => `${n.key}@${n.unitId}`).sort()).toEqual([
        'remind:blue@lk.dept.zrzy',
        'remind:yellow@lk.dept.zrzy',
      ]);
      expect(reminders[0]!.message).toContain('尚有 1 项未评分');
      const [missed] = await db
        .select()
        .from(notices)
        .where(and(eq(notices.caseId, caseId), eq(notices.key, 'scoring-missed')));
      expect(missed?.unitId).toBe('lk.dept.zrzy');
      // The late rater is refused after the deadline.
      expect(await failureOf(score(zrzy, 'lk.t02', 95))).toEqual({ type: 'InvalidState', code: 'scoring-closed' });

      const results = async () =>
        Object.fromEntries(
          (await db.select().from(assessmentResults).where(eq(assessmentResults.caseId, caseId))).map((r) => [
            r.rateeKey,
            r,
          ]),
        );
      let r = await results();
      // t01: (70 + 70) / 2 = 70 → 35 + 50 = 85 良好; t02: zrzy missing → average of others 20 → 10 + 50 = 60 合格; t03: 0 → 50 不合格.
      expect([r['unit:lk.t01']!.total, r['unit:lk.t01']!.gradeLabel, r['unit:lk.t01']!.rank]).toEqual([85, '良好', 1]);
      expect([r['unit:lk.t02']!.total, r['unit:lk.t02']!.gradeLabel, r['unit:lk.t02']!.rank]).toEqual([60, '合格', 2]);
      expect([r['unit:lk.t03']!.total, r['unit:lk.t03']!.gradeLabel, r['unit:lk.t03']!.rank]).toEqual([
        50,
        '不合格',
        3,
      ]);
      const work = r['unit:lk.t02']!.indicators.find((i) => i.code === 'work')!;
      expect(work.manual!.missing).toEqual(['lk.dept.zrzy']);
      expect(work.explanation).toContain('未评分');

      expect(await failureOf(run(t01Leader, { type: 'appeal', rateeKey: 'unit:lk.t01', reason: '尚未公示' }))).toEqual({
        type: 'InvalidState',
        code: 'not-published',
      });
      expect(await failureOf(run(scjg, { type: 'publish' }))).toEqual({ type: 'Forbidden', code: 'not-assessor' });
      await run(assessor, { type: 'publish' });
      expect(await failureOf(run(t03Handler, { type: 'appeal', rateeKey: 'unit:lk.t03', reason: '不服' }))).toEqual({
        type: 'Forbidden',
        code: 'not-your-result',
      });
      expect(
        await failureOf(run(t01Leader, { type: 'appeal', rateeKey: 'unit:lk.t02', reason: '替别人申诉' })),
      ).toEqual({ type: 'Forbidden', code: 'not-your-result' });
      await run(t01Leader, {
        type: 'appeal',
        rateeKey: 'unit:lk.t01',
        indicatorCode: 'work',
        reason: '专项整治成效未计入',
      });
      await run(t02Assessor, { type: 'appeal', rateeKey: 'unit:lk.t02', reason: '自然资源局未评分' });
      expect(
        await failureOf(run(t02Assessor, { type: 'appeal', rateeKey: 'unit:lk.t02', reason: '再次申诉' })),
      ).toEqual({ type: 'InvalidState', code: 'appeal-pending' });
      // A2 rejected: the result stays as it was.
      await run(assessor, {
        type: 'decide-appeal',
        appealId: 'A2',
        decision: 'maintain',
        reason: '缺评按方案规则取其他评分单位平均分，符合规定',
      });
      expect((await results())['unit:lk.t02']!.total).toBe(60);

      // The appeal window closes while A1 is still pending: the cycle waits for the decision.
      const appealDeadline = Date.parse((await view()).appealDeadline!);
      await env.sleep(appealDeadline - Date.now() + 60_000);
      expect((await settled((v) => v.phase === 'published')).phase).toBe('published');
      expect(
        await failureOf(run(t02Assessor, { type: 'appeal', rateeKey: 'unit:lk.t02', reason: '逾期申诉' })),
      ).toEqual({ type: 'RuleRefused', code: 'appeal-window-closed' });

      // A1 adjusted: work 70 → 90 changes the grade 良好 → 优秀 (35 → 45 points); then the cycle is final.
      await run(assessor, {
        type: 'decide-appeal',
        appealId: 'A1',
        decision: 'adjust',
        reason: '专项整治成效经核实应计入',
        adjustments: [{ indicatorCode: 'work', score: 90 }],
      });
      const final = await settled((v) => v.phase === 'final');
      expect(final.phase).toBe('final');
      // The query answers from memory; wait for the final transition to reach PostgreSQL.
      for (
        let i = 0;
        i < 100 &&
        (await db.select().from(assessmentCycles).where(eq(assessmentCycles.caseId, caseId)))[0]?.phase !== 'final';
        i += 1
      )
        await new Promise((res) => setTimeout(res, 100));
      r = await results();
      expect([r['unit:lk.t01']!.total, r['unit:lk.t01']!.gradeLabel, r['unit:lk.t01']!.final]).toEqual([
        95,
        '优秀',
        true,
      ]);
      expect(r['unit:lk.t01']!.indicators.find((i) => i.code === 'work')!.override).toMatchObject({
        original: 70,
        score: 90,
        appealId: 'A1',
      });
      const appeals = await db.select().from(assessmentAppeals).where(eq(assessmentAppeals.caseId, caseId));
      expect(appeals.map((a) => [a.appealId, a.status, a.before?.grade, a.after?.grade]).sort()).toEqual([
        ['A1', 'adjusted', '良好', '优秀'],
        ['A2', 'rejected', '合格', '合格'],
      ]);

      // 不合格 t03 owes a rectification task, due in a month.
      const taskId = r['unit:lk.t03']!.rectificationCaseId!;
      expect(taskId).toMatch(/^RW-\d{4}-\d{6}$/);
      const task = await (async () => {
        for (let i = 0; i < 100; i += 1) {
          const [row] = await db.select().from(cases).where(eq(cases.id, taskId));
          if (row) return row;
          await new Promise((res) => setTimeout(res, 100));
        }
        return undefined;
      })();
      expect(task).toMatchObject({ process: 'task', unitId: 'lk.t03', ownerUnitId: 'lk', status: 'open' });
      expect(task!.deadline!.getTime() - Date.parse(final.finalAt!)).toBeCloseTo(30 * DAY, -5);

      // Final is immutable: the workflow has completed and the database refuses changes.
      await expect(run(assessor, { type: 'publish' })).rejects.toThrow();
      await expect(
        db.update(assessmentResults).set({ total: 100 }).where(eq(assessmentResults.caseId, caseId)),
      ).rejects.toThrow();
      const [cycleRow] = await db.select().from(assessmentCycles).where(eq(assessmentCycles.caseId, caseId));
      expect(cycleRow).toMatchObject({ phase: 'final' });
      // The long cycle continued as new on the way, with nothing lost.
      expect((await env.client.workflow.getHandle(caseId).describe()).runId).not.toBe(firstRun);
    });
  });
});
