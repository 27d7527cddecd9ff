import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { auditLog, notices } from '../../db/schema';
import type { CalendarData } from '../../domain/calendar';
import { seedDemoCounty } from '../../db/seed/seed';
import { bundleWorkflows, createWorker } from '../../worker/create-worker';
import { caseStateQuery, taskActionUpdate, type StartTaskInput, type TaskView } from '../../workflows/task/definitions';
import type { taskWorkflow } from '../../workflows/task/workflow';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { createTimeSkippingEnvironment } from '../support/temporal';

const DAY = 86_400_000;
const SH = 8 * 3_600_000;

/** Local (Asia/Shanghai) calendar date of an instant, and the instant of a local midnight. */
const localDate = (ms: number) => new Date(ms + SH).toISOString().slice(0, 10);
const localMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

/**
 * An oracle written independently of domain/calendar.ts: the end of the n-th working day after
 * the start day, counting Mon–Fri minus the given holidays.
 */
function expectedWorkdayDeadline(startMs: number, n: number, holidays: Set<string>): number {
  let day = localMidnight(localDate(startMs));
  let counted = 0;
  while (counted < n) {
    day += DAY;
    const d = localDate(day);
    const weekday = new Date(day + SH).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(d)) counted += 1;
  }
  return day + DAY;
}

/** Calendar data for the years around `now`, with the next two weekdays after today made holidays. */
function calendarWithHolidayAhead(now: number): { data: CalendarData; holidays: Set<string> } {
  const holidays = new Set<string>();
  for (let day = localMidnight(localDate(now)) + DAY; holidays.size < 2; day += DAY) {
    const weekday = new Date(day + SH).getUTCDay();
    if (weekday !== 0 && weekday !== 6) holidays.add(localDate(day));
  }
  const year = Number(localDate(now).slice(0, 4));
  const data: CalendarData = { years: {} };
  for (const y of [year, year + 1]) {
    data.years[String(y)] = {
      holidays: [...holidays].filter((d) => d.startsWith(`${y}-`)).map((date) => ({ date, name: '测试假日' })),
      workdays: [],
    };
  }
  return { data, holidays };
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

const supervisor = { userId: 'u.lk.t01.supervisor', role: 'supervisor', unitId: 'lk.t01', unitPath: 'lk/lk.t01' };

async function withWorker<T>(fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `sla-${randomUUID()}`;
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: 'default',
    taskQueue,
    activities: createActivities({ db: tdb.db, temporal: env.client }),
    workflowBundle: bundle,
  });
  return worker.runUntil(fn(taskQueue));
}

function taskInput(caseId: string, data: CalendarData, amount: number): StartTaskInput {
  return {
    caseId,
    title: '整改：占道经营回潮',
    description: '时限测试',
    unitId: 'lk.t01.v01',
    ownerUnitId: 'lk.t01',
    createdBy: supervisor,
    budget: { unit: 'workday', amount },
    calendar: { data, fallback: 'refuse' },
  };
}

async function levelEntries(caseId: string) {
  const rows = await tdb.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.streamId, caseId), eq(auditLog.action, 'clock.level')))
    .orderBy(asc(auditLog.seq));
  return rows.map((r) => ({ at: r.at.getTime(), to: (r.after as { level: string }).level }));
}

/** The local activities a workflow ran, in order, from the markers in its history. */
async function localActivityTypes(handle: { fetchHistory(): Promise<temporal.api.history.v1.IHistory> }) {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
    return data ? [(JSON.parse(Buffer.from(data).toString('utf8')) as { activity_type: string }).activity_type] : [];
  });
}

describe('SLA clock timers on the time-skipping server', () => {
  it('turns red exactly at the end of the last working day, skipping a holiday', async () => {
    const start = await env.currentTimeMs();
    const { data, holidays } = calendarWithHolidayAhead(start);
    const deadline = expectedWorkdayDeadline(start, 2, holidays);
    const caseId = `RW-T-${randomUUID().slice(0, 8)}`;
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [taskInput(caseId, data, 2)],
      });
      const first = (await handle.query(caseStateQuery)) as TaskView;
      expect(Date.parse(first.clocks[0]!.deadline!)).toBe(deadline);

      await env.sleep(deadline - (await env.currentTimeMs()) - 60_000);
      expect(((await handle.query(caseStateQuery)) as TaskView).clocks[0]!.level).toBe('yellow');
      await env.sleep(120_000);
      expect(((await handle.query(caseStateQuery)) as TaskView).clocks[0]!.level).toBe('red');
      // The 督办 went with the red transition's write: no notices activity of its own.
      // Created, then blue, yellow and red: four writes.
      expect(await localActivityTypes(handle)).toEqual(Array(4).fill('recordTransition'));
    });
    const entries = await levelEntries(caseId);
    expect(entries.map((e) => e.to)).toEqual(['blue', 'yellow', 'red']);
    // The red transition was recorded by the timer that fired at the deadline itself.
    expect(Math.abs(entries[2]!.at - deadline)).toBeLessThan(1000);
    expect(entries.some((e) => holidays.has(localDate(e.at)))).toBe(false);
    // Overdue produces one 督办 notice to the responsible unit, addressed to its leader.
    const sent = await tdb.db.select().from(notices).where(eq(notices.caseId, caseId));
    expect(sent).toEqual([
      expect.objectContaining({ kind: 'overdue', unitId: 'lk.t01.v01', recipientUserId: 'u.lk.t01.v01.leader' }),
    ]);
    expect(sent[0]!.message).toContain('督办');
  });

  it('pause and resume shift the deadline by exactly the paused working days', async () => {
    const start = await env.currentTimeMs();
    const { data, holidays } = calendarWithHolidayAhead(start);
    const original = expectedWorkdayDeadline(start, 3, holidays);
    const caseId = `RW-T-${randomUUID().slice(0, 8)}`;
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof taskWorkflow>('taskWorkflow', {
        taskQueue,
        workflowId: caseId,
        args: [taskInput(caseId, data, 3)],
      });
      // Pause at 10:00 on the first working day after the holidays, resume at 10:00 two working days later.
      const firstWorkday = expectedWorkdayDeadline(start, 1, holidays) - DAY;
      const pauseAt = firstWorkday + 10 * 3_600_000;
      const resumeDay = expectedWorkdayDeadline(firstWorkday, 2, holidays) - DAY;
      // A minute early: each action lands a few ms after its scheduled instant, and a resume even
      // 1 ms later than the pause's time of day would push the remainder past midnight.
      const resumeAt = resumeDay + 10 * 3_600_000 - 60_000;

      await env.sleep(pauseAt - (await env.currentTimeMs()));
      await handle.executeUpdate(taskActionUpdate, {
        args: [{ actor: supervisor, action: { type: 'pause', reason: '现场检测（§45）' } }],
      });
      const paused = (await handle.query(caseStateQuery)) as TaskView;
      expect(paused.status).toBe('paused');
      expect(paused.clocks[0]!.deadline).toBeNull();

      await env.sleep(resumeAt - (await env.currentTimeMs()));
      const resumed = await handle.executeUpdate(taskActionUpdate, {
        args: [{ actor: supervisor, action: { type: 'resume' } }],
      });
      const shifted = expectedWorkdayDeadline(original - DAY, 2, holidays);
      expect(Date.parse(resumed.clocks[0]!.deadline!)).toBe(shifted);

      await env.sleep(shifted - (await env.currentTimeMs()) + 1000);
      expect(((await handle.query(caseStateQuery)) as TaskView).clocks[0]!.level).toBe('red');
    });
    const red = (await levelEntries(caseId)).find((e) => e.to === 'red')!;
    expect(Math.abs(red.at - expectedWorkdayDeadline(original - DAY, 2, holidays))).toBeLessThan(1000);
  });
});
