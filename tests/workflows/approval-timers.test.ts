import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { getMatterVersion, resolveStepUnits } from '../../db/catalogue';
import { auditLog, cases, notices } from '../../db/schema';
import { seedDemoCounty } from '../../db/seed/seed';
import type { CalendarData } from '../../domain/calendar';
import type { MatterDefinition } from '../../domain/catalogue';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import {
  approvalActionUpdate,
  caseStateQuery,
  type ApprovalAction,
  type ApprovalView,
  type StartApprovalInput,
} from '../../workflows/approval/definitions';
import type { approvalWorkflow } from '../../workflows/approval/workflow';
import type { Actor } from '../../domain/vocabulary';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTimeSkippingEnvironment } from '../support/temporal';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const SH = 8 * HOUR;

/** Local (Asia/Shanghai) calendar date of an instant, the instant of a local midnight, the local weekday. */
const localDate = (ms: number) => new Date(ms + SH).toISOString().slice(0, 10);
const localMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);
const weekday = (ms: number) => new Date(ms + SH).getUTCDay();

interface TestCalendar {
  data: CalendarData;
  holidays: Set<string>;
  makeup: Set<string>;
}

/**
 * An oracle written independently of domain/calendar.ts: the end (24:00) of the n-th working day
 * after the day of `startMs`, where a working day is Mon–Fri not in `holidays`, or a make-up day.
 */
function endOfNthWorkday(startMs: number, n: number, cal: Pick<TestCalendar, 'holidays' | 'makeup'>): number {
  let day = localMidnight(localDate(startMs));
  let counted = 0;
  while (counted < n) {
    day += DAY;
    const d = localDate(day);
    const weekend = weekday(day) === 0 || weekday(day) === 6;
    if (cal.makeup.has(d) || (!weekend && !cal.holidays.has(d))) counted += 1;
  }
  return day + DAY;
}

/**
 * A holiday shaped like National Day 2026 (10月1日–7日, Thursday to Wednesday, seven days including a
 * weekend, with the Saturday after it, 10月10日, a make-up working day), placed in the coming weeks.
 *
 * The real October 2026 dates cannot be used: the time-skipping server starts at today's real date
 * and only moves forward, so October 2026 is already behind it (and a year ahead would need calendar
 * data no package has yet). The same shape a few days ahead exercises the same arithmetic.
 */
function nationalDayLike(now: number): TestCalendar {
  let start = localMidnight(localDate(now)) + 3 * DAY;
  while (weekday(start) !== 4) start += DAY;
  const holidays = new Set(Array.from({ length: 7 }, (_, i) => localDate(start + i * DAY)));
  const makeup = new Set([localDate(start + 9 * DAY)]);
  const year = Number(localDate(now).slice(0, 4));
  const data: CalendarData = { years: {} };
  for (const y of [year, year + 1]) {
    const inYear = (d: string) => d.startsWith(`${y}-`);
    data.years[String(y)] = {
      holidays: [...holidays].filter(inYear).map((date) => ({ date, name: '国庆节（测试）' })),
      workdays: [...makeup].filter(inYear).map((date) => ({ date, name: '国庆节调休上班（测试）' })),
    };
  }
  return { data, holidays, makeup };
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

const window: Actor = {
  userId: 'u.lk.t01.window',
  displayName: '窗口',
  role: 'window_staff',
  unitId: 'lk.t01',
  unitPath: 'lk/lk.t01',
};
const CATERING = ['business-licence', 'operator-id', 'premises-layout', 'food-safety-rules', 'health-certificates'];

/**
 * Run `fn` with a worker on a fresh task queue, then terminate the cases it left open: a later
 * test's skipped time would otherwise fire their timers with no worker to run them, and the
 * time-skipping server waits for those workflow tasks.
 */
async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `approval-sla-${randomUUID()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db: tdb.db, temporal: env.client }),
    workflowBundle: bundle,
  });
  try {
    return await worker.runUntil(fn(taskQueue));
  } finally {
    for (const id of started.splice(0))
      await env.client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined);
  }
}

/** The seeded small-catering permit, optionally reshaped, resolved for a t01 window application. */
async function cateringInput(
  caseId: string,
  data: CalendarData,
  materials: string[],
  reshape: (d: MatterDefinition) => MatterDefinition = (d) => d,
): Promise<StartApprovalInput> {
  const matter = (await getMatterVersion(tdb.db, 'XK-SMALL-CATERING'))!;
  const definition = reshape(matter.definition);
  const resolved = await resolveStepUnits(tdb.db, definition, 'lk.t01');
  if (!resolved.ok) throw new Error(resolved.violation.en);
  return {
    caseId,
    matter: { ...matter, definition },
    steps: resolved.steps,
    applicant: { name: '王建国' },
    channel: 'window',
    submittedBy: window,
    townshipId: 'lk.t01',
    supervisingUnitId: 'lk',
    materials,
    calendar: { data, fallback: 'refuse' },
  };
}

/** Without step limits, so only the whole-case clock colours the case. */
const withoutStepLimits = (d: MatterDefinition): MatterDefinition => ({
  ...d,
  steps: d.steps.map(({ limitDays: _limit, ...s }) => s),
});

const started: string[] = [];

async function start(taskQueue: string, input: StartApprovalInput) {
  started.push(input.caseId);
  return env.client.workflow.start<typeof approvalWorkflow>('approvalWorkflow', {
    taskQueue,
    workflowId: input.caseId,
    args: [input],
  });
}

type Handle = Awaited<ReturnType<typeof start>>;

/**
 * One case on a fresh worker: a National-Day-shaped calendar from today, a t01 window application
 * of the small-catering permit with `materials`, driven by `drive`. Returns its id and calendar.
 */
async function runCase(
  materials: string[],
  reshape: ((d: MatterDefinition) => MatterDefinition) | undefined,
  drive: (handle: Handle, cal: TestCalendar, id: string) => Promise<void>,
): Promise<{ id: string; cal: TestCalendar }> {
  const cal = nationalDayLike(await env.currentTimeMs());
  const id = `SP-T-${randomUUID().slice(0, 8)}`;
  await withWorker(async (taskQueue) =>
    drive(await start(taskQueue, await cateringInput(id, cal.data, materials, reshape)), cal, id),
  );
  return { id, cal };
}
const act = (handle: Handle, action: ApprovalAction, actor: Actor = window) =>
  handle.executeUpdate(approvalActionUpdate, { args: [{ actor, action }] });
const view = async (handle: Handle) => (await handle.query(caseStateQuery)) as ApprovalView;
const clock = (v: ApprovalView, key: string) => v.clocks.find((c) => c.key === key)!;
const sleepUntil = async (ms: number) => env.sleep(Math.max(0, ms - (await env.currentTimeMs())));

async function auditOf(id: string) {
  return tdb.db.select().from(auditLog).where(eq(auditLog.streamId, id)).orderBy(asc(auditLog.seq));
}

async function envelope(id: string) {
  const [row] = await tdb.db.select().from(cases).where(eq(cases.id, id));
  return row!;
}

describe('approval timers on the time-skipping server', () => {
  it('the promised limit crosses a National-Day-shaped holiday and its make-up Saturday; colours at 50 %, 80 % and the deadline; 督办 on red', async () => {
    const { id, cal } = await runCase(CATERING, withoutStepLimits, async (handle, cal, id) => {
      const accepted = await act(handle, { type: 'accept' });
      const acceptedAt = Date.parse(accepted.acceptedAt!);
      const deadline = endOfNthWorkday(acceptedAt, 10, cal);
      expect(Date.parse(clock(accepted, 'case').deadline!)).toBe(deadline);
      // The holiday and the make-up day both matter: Mon–Fri alone, or without the make-up Saturday, differ.
      expect(endOfNthWorkday(acceptedAt, 10, { holidays: new Set(), makeup: new Set() })).toBeLessThan(deadline);
      expect(endOfNthWorkday(acceptedAt, 10, { holidays: cal.holidays, makeup: new Set() })).toBeGreaterThan(deadline);
      expect((await envelope(id)).deadline?.getTime()).toBe(deadline);

      const blueAt = endOfNthWorkday(acceptedAt, 5, cal);
      const yellowAt = endOfNthWorkday(acceptedAt, 8, cal);
      for (const [at, colour] of [
        [blueAt - HOUR, 'green'],
        [blueAt + HOUR, 'blue'],
        [yellowAt + HOUR, 'yellow'],
        [deadline - 60_000, 'yellow'],
        [deadline + 60_000, 'red'],
      ] as const) {
        await sleepUntil(at);
        expect(clock(await view(handle), 'case').level, localDate(at)).toBe(colour);
        expect((await envelope(id)).colour, `projected colour at ${new Date(at).toISOString()}`).toBe(colour);
      }
    });
    const levels = (await auditOf(id))
      .filter((e) => e.action === 'clock.level')
      .map((e) => ({ at: e.at.getTime(), to: (e.after as { level: string }).level }));
    expect(levels.map((l) => l.to)).toEqual(['blue', 'yellow', 'red']);
    const acceptedAt = (await auditOf(id)).find((e) => e.action === 'approval.accept')!.at.getTime();
    const expected = [
      endOfNthWorkday(acceptedAt, 5, cal),
      endOfNthWorkday(acceptedAt, 8, cal),
      endOfNthWorkday(acceptedAt, 10, cal),
    ];
    levels.forEach((l, i) => expect(Math.abs(l.at - expected[i]!)).toBeLessThan(1000));
    expect(levels.some((l) => cal.holidays.has(localDate(l.at - 1)))).toBe(false);
    // Overdue: one 督办 to the unit holding the current step, addressed to its leader.
    const sent = await tdb.db.select().from(notices).where(eq(notices.caseId, id));
    expect(sent).toEqual([
      expect.objectContaining({
        kind: 'overdue',
        key: 'overdue:case',
        unitId: 'lk.t01',
        recipientUserId: 'u.lk.t01.leader',
      }),
    ]);
    expect(sent[0]!.message).toContain('督办');
  });

  it('suspension (§45) shifts the deadline by exactly the suspended working time', async () => {
    await runCase(CATERING, undefined, async (handle, cal, id) => {
      const accepted = await act(handle, { type: 'accept' });
      const acceptedAt = Date.parse(accepted.acceptedAt!);
      const original = endOfNthWorkday(acceptedAt, 10, cal);
      expect(Date.parse(clock(accepted, 'case').deadline!)).toBe(original);

      // Suspend at 10:00 on the first working day, resume two working days later (across the holiday).
      // Each action lands a few milliseconds after the instant slept to; resuming a minute before
      // 10:00 keeps that jitter from pushing the last instant of the budget past a midnight (a
      // working-day deadline is the end of the day the budget runs out in).
      const firstWorkday = endOfNthWorkday(acceptedAt, 1, cal) - DAY;
      const resumeDay = endOfNthWorkday(firstWorkday, 2, cal) - DAY;
      await sleepUntil(firstWorkday + 10 * HOUR);
      const suspended = await act(handle, { type: 'suspend', kind: 'testing', reason: '送检（§45，检测时间不计入）' });
      expect(suspended.status).toBe('suspended');
      expect(clock(suspended, 'case')).toMatchObject({ state: 'paused', deadline: null });
      expect(clock(suspended, 'step:accept')).toMatchObject({ state: 'paused' });

      await sleepUntil(resumeDay + 10 * HOUR - 60_000);
      const resumed = await act(handle, { type: 'resume', reason: '检测报告已出' });
      // None of the suspension was counted (to within the milliseconds each action takes), and the
      // deadline moved by the two working days.
      expect(clock(resumed, 'case').consumed).toBeCloseTo(clock(suspended, 'case').consumed, 5);
      const shifted = endOfNthWorkday(original - DAY, 2, cal);
      expect(Date.parse(clock(resumed, 'case').deadline!)).toBe(shifted);
      expect(resumed.status).toBe('in-progress');
      expect((await envelope(id)).status).toBe('in-progress');
    });
  });

  it('§32: without a one-time notice within 5 working days the application counts as accepted from submission', async () => {
    const { id } = await runCase(
      CATERING.filter((m) => m !== 'operator-id'),
      withoutStepLimits,
      async (handle, cal, caseId) => {
        const submitted = await view(handle);
        const receivedAt = Date.parse(submitted.history[0]!.at);
        const due = endOfNthWorkday(receivedAt, 5, cal);
        expect(Date.parse(submitted.precheckDeadline!)).toBe(due);
        expect(clock(submitted, 'precheck').state).toBe('running');

        await sleepUntil(due - 60_000);
        expect((await view(handle)).status).toBe('submitted');
        await sleepUntil(due + 60_000);
        const deemed = await view(handle);
        expect(deemed).toMatchObject({
          status: 'in-progress',
          receiptNo: `SL-${caseId}`,
          acceptedAt: submitted.history[0]!.at,
        });
        expect(clock(deemed, 'precheck').state).toBe('stopped');
        // The promised limit runs from the day the application was received, not from today.
        expect(Date.parse(clock(deemed, 'case').deadline!)).toBe(
          endOfNthWorkday(receivedAt, deemed.matter.promisedLimitDays, cal),
        );
        expect(deemed.history.at(-1)).toMatchObject({ actorId: 'system', action: 'deemed-accept' });
      },
    );
    const entry = (await auditOf(id)).find((e) => e.action === 'approval.deemed-accept')!;
    expect(entry).toMatchObject({ actorId: 'system', reason: expect.stringContaining('视为受理') });
    expect(await envelope(id)).toMatchObject({ status: 'in-progress' });
  });

  it('the 补正 period lapses the application when nothing is supplemented in time', async () => {
    const { id } = await runCase(
      CATERING.filter((m) => m !== 'operator-id'),
      undefined,
      async (handle, cal) => {
        const notified = await act(handle, { type: 'notify-missing', missing: ['operator-id'] });
        const due = endOfNthWorkday(Date.parse(notified.history.at(-1)!.at), 5, cal);
        expect(Date.parse(notified.supplementDeadline!)).toBe(due);
        // The notice ends the §32 pre-check period: no deemed acceptance later.
        expect(clock(notified, 'precheck').state).toBe('stopped');

        await sleepUntil(due - 60_000);
        expect((await view(handle)).status).toBe('awaiting-supplement');
        await sleepUntil(due + 60_000);
        const result = await handle.result();
        expect(result).toMatchObject({ status: 'lapsed', receiptNo: null });
        expect(clock(result, 'supplement').state).toBe('stopped');
      },
    );
    const row = await envelope(id);
    expect(row).toMatchObject({ status: 'lapsed' });
    expect(row.closedAt).not.toBeNull();
    const lapse = (await auditOf(id)).find((e) => e.action === 'approval.lapse')!;
    expect(Math.abs(lapse.at.getTime() - Date.parse(row.closedAt!.toISOString()))).toBeLessThan(1000);
    expect(lapse).toMatchObject({ actorId: 'system', reason: expect.stringContaining('逾期未补正') });
    // The applicant's own deadline is not the administration's: no 督办.
    expect(await tdb.db.select().from(notices).where(eq(notices.caseId, id))).toEqual([]);
  });

  it('a missed 容缺 catch-up deadline terminates the case', async () => {
    const { id } = await runCase(
      CATERING.filter((m) => m !== 'health-certificates'),
      withoutStepLimits,
      async (handle, cal) => {
        const accepted = await act(handle, { type: 'accept', tolerate: ['health-certificates'], catchUpDays: 3 });
        const due = endOfNthWorkday(Date.parse(accepted.acceptedAt!), 3, cal);
        expect(Date.parse(accepted.catchUpDeadline!)).toBe(due);
        await act(handle, { type: 'approve', opinion: '受理审查通过' });

        await sleepUntil(due + 60_000);
        const result = await handle.result();
        expect(result).toMatchObject({
          status: 'terminated',
          closeReason: expect.stringContaining('从业人员健康证明'),
        });
        expect(result.clocks.every((c) => c.state === 'stopped')).toBe(true);
        expect(result.assignments).toEqual([]);
      },
    );
    expect((await envelope(id)).status).toBe('terminated');
    expect((await auditOf(id)).map((e) => e.action)).toContain('approval.terminate');
  });

  it('a step limit turning red sends one 督办 to the step’s unit and its leader', async () => {
    const { id } = await runCase(CATERING, undefined, async (handle, cal, id) => {
      const accepted = await act(handle, { type: 'accept' });
      await act(handle, { type: 'approve', opinion: '受理审查通过' });
      const entered = Date.parse((await view(handle)).history.at(-1)!.at);
      // 现场核查 has a 5-working-day limit at the market supervision bureau.
      const due = endOfNthWorkday(entered, 5, cal);
      expect(Date.parse(clock(await view(handle), 'step:inspect').deadline!)).toBe(due);
      expect(Date.parse(clock(accepted, 'case').deadline!)).toBeGreaterThan(due);
      await sleepUntil(due + 60_000);
      expect(clock(await view(handle), 'step:inspect').level).toBe('red');
      expect((await envelope(id)).colour).toBe('red');
    });
    const sent = await tdb.db
      .select()
      .from(notices)
      .where(and(eq(notices.caseId, id), eq(notices.kind, 'overdue')));
    expect(sent).toEqual([
      expect.objectContaining({
        key: 'overdue:step:inspect',
        unitId: 'lk.dept.scjg',
        recipientUserId: 'u.lk.scjg.leader',
      }),
    ]);
    expect(sent[0]!.message).toContain('现场核查');
  });
});
