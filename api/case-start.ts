import { WithStartWorkflowOperation } from '@temporalio/client';
import { loadCalendarData } from '../activities';
import type { OrgUnit } from '../db/schema/org';
import { calendarRegionOf } from '../db/units';
import { buildCalendar, CalendarYearMissingError, type Duration, type WorkingCalendar } from '../domain/calendar';
import type { CalendarContext } from '../workflows/shared/case-clocks';
import { caseOpenedUpdate } from '../workflows/shared/definitions';
import type { AppDeps } from './deps';
import { Problem } from './problem';
import { withTemporal } from './temporal';

/** What every new case needs before its workflow starts, shared by the process routes. */

/** The calendar a case in `unit` computes with: national data plus the unit's regional overlay. */
export async function calendarFor(deps: AppDeps, unit: OrgUnit): Promise<CalendarContext> {
  const db = deps.database.db;
  const region = await calendarRegionOf(db, unit);
  return { data: await loadCalendarData(db, region), region, fallback: deps.config.calendarFallback };
}

/**
 * Refuse (422) a case whose first deadline the calendar cannot compute, before anything starts.
 * `budget` may depend on the calendar (e.g. "until the end of this working day").
 */
export function requireDeadlineComputable(calendar: CalendarContext, budget: Duration | ((working: WorkingCalendar) => Duration), now: number): void {
  try {
    const working = buildCalendar(calendar.data, calendar);
    const { unit, amount } = typeof budget === 'function' ? budget(working) : budget;
    if (amount > 0) working.deadline(unit, now, amount);
  } catch (err) {
    if (!(err instanceof CalendarYearMissingError)) throw err;
    throw new Problem(
      'ruleRefused',
      {
        zh: `${err.year} 年的节假日数据尚未录入，无法计算期限；请管理员先在“日历”中录入该年数据`,
        en: `No holiday calendar for ${err.year}; an administrator must enter it before this deadline can be computed`,
      },
      { code: err.code, year: err.year },
    );
  }
}

/**
 * Start a case workflow with update-with-start: answers once the opening transition is in
 * PostgreSQL, so the caller reads its own write. The case number is the workflow id.
 */
export function startCase<View>(deps: AppDeps, workflowType: string, caseId: string, input: unknown): Promise<View> {
  const start = new WithStartWorkflowOperation(workflowType, {
    workflowId: caseId,
    taskQueue: deps.config.temporal.taskQueue,
    workflowIdConflictPolicy: 'FAIL',
    args: [input],
  });
  return withTemporal(caseId, () => deps.temporal.workflow.executeUpdateWithStart(caseOpenedUpdate, { startWorkflowOperation: start })) as Promise<View>;
}
