import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type CalendarSpec,
  type Client,
  type ScheduleOptionsAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db';
import { listSchemes } from '../db/assessment';
import type { AssessmentPeriod } from '../domain/assessment';
import { connectClient } from '../runtime/temporal-connection';
import type { assessmentScheduleWorkflow } from '../workflows/assessment/workflow';

/** The Temporal schedule id of a scheme. */
export const assessmentScheduleId = (schemeCode: string) => `assessment-${schemeCode}`;

/**
 * When a scheme's cycles open: 01:00 Asia/Shanghai on the first day of each month, quarter or year,
 * each time for the period that has just ended (月调度、季分析、年总结).
 */
export function assessmentScheduleSpec(period: AssessmentPeriod): ScheduleSpec {
  const months: Record<AssessmentPeriod, CalendarSpec['month']> = {
    month: '*',
    quarter: ['JANUARY', 'APRIL', 'JULY', 'OCTOBER'],
    year: 'JANUARY',
  };
  const comment = {
    month: '每月 1 日开启上月考核',
    quarter: '每季度首日开启上季度考核',
    year: '每年 1 月 1 日开启上年度考核',
  }[period];
  return {
    calendars: [{ month: months[period], dayOfMonth: 1, hour: 1, minute: 0, comment }],
    timezone: 'Asia/Shanghai',
  };
}

/**
 * Create or update one Temporal schedule per scheme, idempotently: each starts
 * `assessmentScheduleWorkflow` for its scheme; an inactive or unscheduled scheme's schedule is
 * paused. Called when the worker or the one-command start comes up, and after a scheme is saved.
 */
export async function ensureAssessmentSchedules(
  client: Client,
  db: Db,
  opts: { taskQueue: string; calendarFallback: Config['calendarFallback'] },
): Promise<{ created: string[]; updated: string[] }> {
  const out = { created: [] as string[], updated: [] as string[] };
  for (const scheme of await listSchemes(db)) {
    const scheduleId = assessmentScheduleId(scheme.code);
    const spec = assessmentScheduleSpec(scheme.definition.period);
    const action: ScheduleOptionsAction = {
      type: 'startWorkflow',
      workflowType: 'assessmentScheduleWorkflow',
      args: [{ schemeCode: scheme.code, calendarFallback: opts.calendarFallback }] satisfies Parameters<
        typeof assessmentScheduleWorkflow
      >,
      taskQueue: opts.taskQueue,
      workflowId: `${scheduleId}-open`,
    };
    const paused = !scheme.active || !scheme.definition.schedule;
    const note = paused
      ? '方案已停用或不按计划开启 / scheme inactive or not scheduled'
      : `${scheme.name}（v${scheme.version}）`;
    try {
      await client.schedule.create({
        scheduleId,
        spec,
        action,
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
        state: { paused, note },
      });
      out.created.push(scheduleId);
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule
        .getHandle(scheduleId)
        .update((previous) => ({ ...previous, spec, action, state: { ...previous.state, paused, note } }));
      out.updated.push(scheduleId);
    }
  }
  return out;
}

/** {@link ensureAssessmentSchedules} with a client of its own, for a process that has none (the worker). */
export async function syncAssessmentSchedules(config: Config, address: string, db: Db): Promise<void> {
  const client = await connectClient(config.temporal, address);
  try {
    await ensureAssessmentSchedules(client, db, {
      taskQueue: config.temporal.taskQueue,
      calendarFallback: config.calendarFallback,
    });
  } finally {
    await client.connection.close();
  }
}
