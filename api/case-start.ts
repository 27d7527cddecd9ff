import { WithStartWorkflowOperation } from '@temporalio/client';
import type { OrgUnit } from '../db/schema/org';
import { allocateCaseNumbers } from '../db/case-numbers';
import type { ProcessType } from '../domain/vocabulary';
import { loadCalendarData } from '../db/calendar';
import { calendarRegionOf } from '../db/units';
import {
  buildCalendar,
  CalendarYearMissingError,
  firstCalendarYearFor,
  type Duration,
  type WorkingCalendar,
} from '../domain/calendar';
import type { CalendarContext } from '../workflows/shared/case-clocks';
import { generationMemo, type CaseMessages } from '../workflows/shared/definitions';
import type { AppDeps } from './deps';
import type { IdempotentRun } from './idempotency';
import { Problem } from './problem';
import { withEngineDeadline, withTemporal } from './temporal';
import { timeStage } from '../runtime/stage-timing';

/** What every new case needs before its workflow starts, shared by the process routes. */

/**
 * The calendar a case in `unit` opening now computes with: national data plus the unit's regional
 * overlay, from the year before this one (`firstCalendarYearFor`).
 */
export async function calendarFor(deps: AppDeps, unit: OrgUnit): Promise<CalendarContext> {
  const db = deps.database.db;
  return timeStage('api.calendar', async () => {
    const region = await calendarRegionOf(db, unit);
    const data = await loadCalendarData(db, region, { fromYear: firstCalendarYearFor(Date.now()) });
    return { data, region, fallback: deps.config.calendarFallback };
  });
}

/**
 * Refuse (422) a case whose first deadline the calendar cannot compute, before anything starts.
 * `budget` may depend on the calendar (e.g. "until the end of this working day").
 */
export function requireDeadlineComputable(
  calendar: CalendarContext,
  budget: Duration | ((working: WorkingCalendar) => Duration),
  now: number,
): void {
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
 * The number of a new case: allocated once per request. A request retried with its Idempotency-Key
 * after an attempt that got no answer (e.g. a 503 because the engine did not confirm in time)
 * gets the number that attempt allocated, so the retry opens that case rather than a second one.
 */
export async function newCaseId(
  ctx: { deps: AppDeps; idempotency: IdempotentRun | null },
  process: ProcessType,
  now: number,
): Promise<string> {
  if (ctx.idempotency?.caseId) return ctx.idempotency.caseId;
  const [caseId] = await timeStage('api.case-number', () =>
    allocateCaseNumbers(ctx.deps.database.db, { process, at: new Date(now) }),
  );
  await ctx.idempotency?.rememberCaseId(caseId);
  return caseId;
}

/**
 * Start a case workflow with update-with-start: answers once the opening transition is in
 * PostgreSQL, so the caller reads its own write. The case number is the workflow id. Starting the
 * same case again while it runs joins it (`USE_EXISTING`) and, the opening update having a fixed
 * id, gets that update's answer instead of opening it twice; a finished case is never restarted.
 */
export function startCase<Input, View>(
  deps: AppDeps,
  process: CaseMessages<Input, View>,
  caseId: string,
  input: Input,
): Promise<View> {
  const start = new WithStartWorkflowOperation(process.workflowType, {
    workflowId: caseId,
    taskQueue: deps.config.temporal.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args: [input],
    // Started with the current generation, the case runs every patch's code without markers.
    memo: generationMemo(),
  });
  return timeStage('api.start', () =>
    withTemporal(caseId, () =>
      withEngineDeadline(deps.temporal, () =>
        deps.temporal.workflow.executeUpdateWithStart(process.opened, {
          startWorkflowOperation: start,
          updateId: OPENING_UPDATE_ID,
        }),
      ),
    ),
  );
}

/** The id of every case's opening update (one per workflow run), which makes a repeated start idempotent. */
export const OPENING_UPDATE_ID = 'case-opened';
