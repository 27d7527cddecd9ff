import { loadCalendarData } from '../../../db/calendar';
import type { Db, Tx } from '../../../db';
import {
  coverageOf,
  coverageRows,
  dayCountsByYear,
  regionKnown,
  yearDays,
  type CalendarDayInput,
  type CalendarYearCounts,
} from '../../../db/calendar';
import { NATIONAL_REGION, type CalendarDay as CalendarRow, type CalendarDayKind } from '../../../db/schema/calendar';
import {
  buildCalendar,
  type CalendarYearMissingError,
  type CalendarDay,
  type WorkingCalendar,
} from '../../../domain/calendar';
import { notFound, refuse } from '../../admin';
import type { AppDeps } from '../../deps';
import { Problem, type Bilingual, type ProblemIssue } from '../../problem';
import type { z } from '../../zod';
import { WEEKDAY_ZH, weekdayZh, weekdayEn, isWeekend, type yearSummarySchema, type yearViewSchema } from './schemas';

export interface Entry extends CalendarDayInput {
  /** Where the entry stands in the request, for the problem's issues. */
  path: string;
}

export function entriesOf(body: {
  holidays: { date: string; name: string }[];
  workdays: { date: string; name: string }[];
}): Entry[] {
  const tag = (kind: CalendarDayKind) => (e: { date: string; name: string }, i: number) => ({
    ...e,
    kind,
    path: `body.${kind}s.${i}.date`,
  });
  return [...body.holidays.map(tag('holiday')), ...body.workdays.map(tag('workday'))];
}

/** Refuse with `code`, listing every offending entry, when there is any. */
export function refuseIssues(code: string, summary: Bilingual, issues: ProblemIssue[]): void {
  if (issues.length === 0) return;
  throw new Problem(
    'ruleRefused',
    {
      zh: `${summary.zh}：${issues.map((i) => i.message.zh).join('；')}`,
      en: `${summary.en}: ${issues.map((i) => i.message.en).join('; ')}`,
    },
    { code, issues },
  );
}

export const issue = (path: string, zh: string, en: string): ProblemIssue => ({ path, message: { zh, en } });

/**
 * A make-up working day on a weekday changes nothing, so it is a mistake, unless a regional
 * overlay lists it to cancel a national holiday (`nationalHolidays`). Returns the issue, or null.
 */
export function makeupIssue(entry: Entry, nationalHolidays: ReadonlySet<string>): ProblemIssue | null {
  if (entry.kind !== 'workday' || isWeekend(entry.date) || nationalHolidays.has(entry.date)) return null;
  return issue(
    entry.path,
    `${entry.date} 是${weekdayZh(entry.date)}，本来就是工作日，列为调休上班日不会改变任何期限`,
    `${entry.date} is a ${weekdayEn(entry.date)}, a working day anyway; listing it as a make-up workday would change nothing`,
  );
}

export const MAKEUP_SUMMARY: Bilingual = { zh: '调休上班日应为周末', en: 'A make-up workday must be a weekend day' };

/** The checks of a whole year's schedule, every one before anything is written. */
export function checkYearEntries(
  year: number,
  region: string,
  entries: Entry[],
  nationalHolidays: ReadonlySet<string>,
): void {
  refuseIssues(
    'date-outside-year',
    { zh: `所有日期都须在 ${year} 年内`, en: `Every date must lie in ${year}` },
    entries
      .filter((e) => !e.date.startsWith(`${year}-`))
      .map((e) => issue(e.path, `${e.date} 不在 ${year} 年`, `${e.date} is not in ${year}`)),
  );
  const first = new Map<string, Entry>();
  const mixed: ProblemIssue[] = [];
  const twice: ProblemIssue[] = [];
  for (const e of entries) {
    const seen = first.get(e.date);
    if (!seen) first.set(e.date, e);
    else if (seen.kind !== e.kind)
      mixed.push(
        issue(
          e.path,
          `${e.date} 同时列为放假日和调休上班日`,
          `${e.date} is listed both as a holiday and as a make-up workday`,
        ),
      );
    else twice.push(issue(e.path, `${e.date} 重复列出`, `${e.date} is listed twice`));
  }
  refuseIssues(
    'holiday-and-workday',
    { zh: '同一天不能既放假又上班', en: 'A day cannot be both a holiday and a make-up workday' },
    mixed,
  );
  refuseIssues('date-listed-twice', { zh: '每个日期只能列一次', en: 'Each date may be listed once' }, twice);
  refuseIssues(
    'makeup-workday-not-weekend',
    MAKEUP_SUMMARY,
    entries.map((e) => makeupIssue(e, nationalHolidays)).filter((i) => i !== null),
  );
  if (region === NATIONAL_REGION && !entries.some((e) => e.kind === 'holiday')) {
    throw refuse(
      'no-holidays',
      `${year} 年的全国安排没有任何放假日，这不可能是完整的放假安排`,
      `The national schedule for ${year} lists no holiday; it cannot be complete`,
    );
  }
}

export const yearNotFound = (year: number) =>
  notFound(
    'calendar-year-not-found',
    `${year} 年尚无节假日数据。国务院公布当年放假安排后，请管理员录入全年安排（PUT /api/v1/calendar/years/${year}）`,
    `No holiday data for ${year} yet. Once the State Council announces the schedule, an administrator enters the whole year (PUT /api/v1/calendar/years/${year})`,
    { year },
  );

/** Single-day corrections and regional overlays sit on a national year that is already there. */
export async function requireNationalYear(db: Db | Tx, year: number, what: Bilingual): Promise<void> {
  if (await coverageOf(db, NATIONAL_REGION, year)) return;
  throw refuse(
    'calendar-year-not-covered',
    `${year} 年尚无全国节假日数据，不能${what.zh}；请先导入全年安排（PUT /api/v1/calendar/years/${year}）`,
    `There is no national holiday data for ${year}, so you cannot ${what.en}; import the whole year first (PUT /api/v1/calendar/years/${year})`,
    { year },
  );
}

export async function requireRegion(db: Db, region: string): Promise<void> {
  if (region === NATIONAL_REGION || (await regionKnown(db, region))) return;
  throw notFound(
    'region-unknown',
    `没有单位使用区划代码 ${region}，也没有该区划的日历数据`,
    `No unit uses region code ${region} and the calendar has no data for it`,
    { region },
  );
}

/** The Problem for a calculation that needs a year without data: the calendar's own bilingual message. */
export function calendarYearMissingProblem(err: CalendarYearMissingError): Problem {
  const [zh, en] = err.message.split(' / ');
  return refuse(
    err.code,
    `${zh ?? err.message}；请管理员先录入该年日历`,
    `${en ?? err.message}; an administrator must enter that year first`,
    { year: err.year },
  );
}

export async function calendarFor(db: Db, region: string, deps: AppDeps): Promise<WorkingCalendar> {
  const overlay = region === NATIONAL_REGION ? undefined : region;
  return buildCalendar(await loadCalendarData(db, overlay), {
    region: overlay,
    fallback: deps.config.calendarFallback,
  });
}

export function dayView(day: CalendarDay, national: CalendarRow | undefined, region: string) {
  const overlay = region !== NATIONAL_REGION && day.source === region;
  return {
    date: day.date,
    weekday: day.weekday,
    weekdayName: WEEKDAY_ZH[day.weekday]!,
    working: day.working,
    kind: day.kind,
    name: day.name ?? null,
    source: day.source ?? null,
    overlay,
    overrides: overlay && national ? { kind: national.kind, name: national.name } : null,
    fallback: day.fallback,
  };
}

/** The year's listed days as the calendar of `region` sees them; 404 when the year has no national data. */
export async function yearView(deps: AppDeps, region: string, year: number): Promise<z.infer<typeof yearViewSchema>> {
  const db = deps.database.db;
  const regional = region !== NATIONAL_REGION;
  const [national, overlay, nationalRows, overlayRows] = await Promise.all([
    coverageOf(db, NATIONAL_REGION, year),
    regional ? coverageOf(db, region, year) : undefined,
    yearDays(db, NATIONAL_REGION, year),
    regional ? yearDays(db, region, year) : [],
  ]);
  if (!national) throw yearNotFound(year);
  const calendar = await calendarFor(db, region, deps);
  const byDate = new Map(nationalRows.map((r) => [r.date, r]));
  const dates = [...new Set([...nationalRows, ...overlayRows].map((r) => r.date))].sort();
  const days = dates.map((date) => dayView(calendar.describeDay(date), byDate.get(date), region));
  return {
    year,
    region,
    source: national.source,
    updatedAt: national.updatedAt.toISOString(),
    overlaySource: overlay?.source ?? null,
    holidays: days.filter((d) => !d.working).length,
    workdays: days.filter((d) => d.working).length,
    days,
  };
}

export const counts = (c: CalendarYearCounts | undefined) => ({
  holidays: c?.holidays ?? 0,
  workdays: c?.workdays ?? 0,
  adminDays: c?.adminDays ?? 0,
});

export async function yearSummaries(db: Db, region: string): Promise<z.infer<typeof yearSummarySchema>[]> {
  const regional = region !== NATIONAL_REGION;
  const [coverage, nationalCounts, overlayCounts] = await Promise.all([
    coverageRows(db, regional ? [NATIONAL_REGION, region] : [NATIONAL_REGION]),
    dayCountsByYear(db, NATIONAL_REGION),
    regional ? dayCountsByYear(db, region) : [],
  ]);
  const years = [...new Set([...coverage.map((c) => c.year), ...overlayCounts.map((c) => c.year)])].sort(
    (a, b) => a - b,
  );
  return years.map((year) => {
    const national = coverage.find((c) => c.year === year && c.region === NATIONAL_REGION);
    const overlay = coverage.find((c) => c.year === year && c.region === region);
    return {
      year,
      covered: national !== undefined,
      source: national?.source ?? null,
      updatedAt: national?.updatedAt.toISOString() ?? null,
      ...counts(nationalCounts.find((c) => c.year === year)),
      ...(regional
        ? {
            overlay: { region, source: overlay?.source ?? null, ...counts(overlayCounts.find((c) => c.year === year)) },
          }
        : {}),
    };
  });
}
