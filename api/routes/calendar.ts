import type { Request, Response } from 'express';
import { loadCalendarData } from '../../activities';
import type { Db, Tx } from '../../db';
import { casesDependingOnYear } from '../../db/calendar-recomputes';
import {
  coverageOf,
  coverageRows,
  dayCountsByYear,
  deleteDay,
  deleteYear,
  findDay,
  overlaysInYear,
  regionKnown,
  replaceYear,
  upsertDay,
  yearDays,
  type CalendarDayInput,
  type CalendarYearCounts,
} from '../../db/calendar';
import {
  CALENDAR_DAY_KINDS,
  CALENDAR_SOURCES,
  NATIONAL_REGION,
  type CalendarDay as CalendarRow,
  type CalendarDayKind,
} from '../../db/schema/calendar';
import {
  buildCalendar,
  CalendarYearMissingError,
  DURATION_UNITS,
  localDateSchema,
  type CalendarDay,
  type WorkingCalendar,
} from '../../domain/calendar';
import {
  dayIndexOf,
  dayStartMs,
  formatShanghai,
  isLocalDate,
  localDateOf,
  localDayIndex,
  weekdayOf,
} from '../../domain/time';
import { ADMIN_ONLY, auditedWrite, conflict, notFound, refuse, text } from '../admin';
import type { Principal } from '../auth';
import type { AppDeps } from '../deps';
import { Problem, type Bilingual, type ProblemIssue } from '../problem';
import type { ApiRoutes } from '../route';
import { documented, z } from '../zod';
import { acceptedRecompute, queueRecompute, recomputeLinkSchema, startRecompute } from './calendar-recomputes';

/** Every calendar write is chained in this one audit stream. */
const AUDIT_STREAM = 'admin:calendar';
/** The calculator's upper bound: years of working days, far beyond any statutory limit. */
const MAX_AMOUNT = 1000;

const WEEKDAY_ZH = ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'] as const;
const WEEKDAY_EN = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const weekdayZh = (date: string) => WEEKDAY_ZH[weekdayOf(dayIndexOf(date))]!;
const weekdayEn = (date: string) => WEEKDAY_EN[weekdayOf(dayIndexOf(date))]!;
const isWeekend = (date: string) => [0, 6].includes(weekdayOf(dayIndexOf(date)));

// ── request and response schemas ──────────────────────────────────────────────────────────────

const regionCode = text(20)
  .regex(/^[A-Za-z0-9-]+$/, { error: '区划代码只能包含字母、数字和 - / letters, digits and - only' })
  .openapi({
    description: `日历区划：${NATIONAL_REGION} 为全国（缺省），其他为地方叠加（如民族自治地方）/ Calendar region: ${NATIONAL_REGION} national (default), any other code a regional overlay`,
    example: '410225',
  });
const regionQuery = z.strictObject({ region: regionCode.optional() });
const yearParam = z.strictObject({ year: z.coerce.number().int().min(1949).max(2200).openapi({ example: 2027 }) });
const dateParam = z.strictObject({ date: documented(localDateSchema, { example: '2027-02-08' }) });
const reason = text(500).openapi({
  description:
    '变更原因（如国务院办公厅通知文号），记入审计日志 / Why (e.g. the State Council notice), recorded in the audit log',
});
const entrySchema = z
  .strictObject({ date: localDateSchema, name: text(50).openapi({ example: '春节' }) })
  .openapi('CalendarEntryInput');
const calendarSourceSchema = z.enum(CALENDAR_SOURCES).openapi('CalendarSource');

const yearBody = z.strictObject({
  holidays: z
    .array(entrySchema)
    .max(366)
    .openapi({ description: '放假日（含落在周末的法定假日）/ Days off, statutory holidays on weekends included' }),
  workdays: z
    .array(entrySchema)
    .max(366)
    .openapi({ description: '调休上班日（周末）/ Make-up working days (weekend days)' }),
  reason,
});

const dayBody = z.strictObject({ kind: z.enum(CALENDAR_DAY_KINDS).openapi('CalendarDayKind'), name: text(50), reason });

const countsSchema = z.object({ holidays: z.number().int(), workdays: z.number().int(), adminDays: z.number().int() });

const yearSummarySchema = z
  .object({
    year: z.number().int(),
    covered: z
      .boolean()
      .openapi({ description: '全国数据已录入，可计算期限 / National data present: deadlines can be computed' }),
    source: calendarSourceSchema.nullable(),
    updatedAt: z.string().nullable(),
    ...countsSchema.shape,
    overlay: countsSchema
      .extend({ region: z.string(), source: calendarSourceSchema.nullable() })
      .nullable()
      .optional()
      .openapi({
        description: '查询了地方区划时：该区划当年的叠加数据 / With ?region=: that region’s overlay in the year',
      }),
  })
  .openapi('CalendarYearSummary');

const dayViewSchema = z
  .object({
    date: z.string(),
    weekday: z.number().int().openapi({ description: '0 = 星期日 … 6 = 星期六' }),
    weekdayName: z.string(),
    working: z.boolean(),
    kind: z.enum(['workday', 'weekend', 'holiday', 'makeup-workday']),
    name: z.string().nullable(),
    source: z
      .string()
      .nullable()
      .openapi({ description: 'national，或地方叠加的区划代码 / national, or the overlay’s region code' }),
    overlay: z.boolean().openapi({ description: '来自地方叠加 / Comes from the regional overlay' }),
    overrides: z
      .object({ kind: z.enum(CALENDAR_DAY_KINDS), name: z.string() })
      .nullable()
      .openapi({ description: '被地方叠加覆盖的全国安排 / The national entry the overlay overrides' }),
    fallback: z.boolean(),
  })
  .openapi('CalendarDayView');

const yearViewSchema = z
  .object({
    year: z.number().int(),
    region: z.string(),
    source: calendarSourceSchema,
    updatedAt: z.string(),
    overlaySource: calendarSourceSchema.nullable(),
    holidays: z.number().int(),
    workdays: z.number().int(),
    days: z.array(dayViewSchema),
  })
  .openapi('CalendarYear');

/** Every calendar write answers 202: the change is saved, live deadlines are recomputed in the background. */
const recomputing = { recompute: recomputeLinkSchema };

const dayRowSchema = z
  .object({ kind: z.enum(CALENDAR_DAY_KINDS), name: z.string(), source: calendarSourceSchema })
  .nullable();
const dayChangeSchema = z
  .object({
    region: z.string(),
    date: z.string(),
    before: dayRowSchema,
    after: dayRowSchema,
    day: dayViewSchema,
    ...recomputing,
  })
  .openapi('CalendarDayChange');

/** An instant with an explicit zone (a zone-less time would be read in the server's zone); seconds optional. */
const instantSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
    error:
      '须为带时区的 ISO 8601 时刻，如 2025-01-24T10:00+08:00 / must be ISO 8601 with Z or an offset, e.g. 2025-01-24T10:00+08:00',
  })
  .refine((s) => isLocalDate(s.slice(0, 10)) && Number.isFinite(Date.parse(s)), {
    error: '日期或时间不存在 / no such date or time',
  });

const deadlineQuery = z.strictObject({
  start: documented(instantSchema, {
    description: '起算时刻，ISO 8601 带时区 / Start instant, ISO 8601 with Z or an offset',
    example: '2025-01-24T10:00+08:00',
  }),
  unit: z.enum(DURATION_UNITS).default('workday'),
  amount: z
    .string()
    .regex(/^\d+(\.\d+)?$/, { error: '须为非负数，如 5 或 0.5 / must be a non-negative number such as 5 or 0.5' })
    .transform(Number)
    .pipe(z.number().max(MAX_AMOUNT))
    .openapi({ example: '5' }),
  region: regionCode.optional(),
});

const deadlineSchema = z
  .object({
    start: z.string(),
    unit: z.enum(DURATION_UNITS),
    amount: z.number(),
    region: z.string(),
    deadline: z.string().openapi({ description: 'UTC', example: '2025-02-05T16:00:00.000Z' }),
    deadlineLocal: z.string().openapi({ description: 'Asia/Shanghai', example: '2025-02-06T00:00:00+08:00' }),
    deadlineText: z.string().openapi({
      description: '北京时间，日终写作 24:00 / Asia/Shanghai, end of day as 24:00',
      example: '2025-02-05 24:00 星期三',
    }),
    workingDays: z
      .array(dayViewSchema.extend({ counted: z.number() }))
      .openapi({ description: '计入的工作日及计入量 / Working days counted, with the amount each contributes' }),
    skippedDays: z.array(dayViewSchema).openapi({ description: '跳过的节假日和周末 / Holidays and weekends skipped' }),
    fallbackYears: z
      .array(z.number().int())
      .openapi({ description: '按周一至周五推定的无数据年份 / Years without data, assumed Mon–Fri' }),
    fallbackPolicy: z.enum(['refuse', 'weekdays']),
  })
  .openapi('DeadlineCalculation');

// ── helpers ───────────────────────────────────────────────────────────────────────────────────

interface Entry extends CalendarDayInput {
  /** Where the entry stands in the request, for the problem's issues. */
  path: string;
}

function entriesOf(body: {
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
function refuseIssues(code: string, summary: Bilingual, issues: ProblemIssue[]): void {
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

const issue = (path: string, zh: string, en: string): ProblemIssue => ({ path, message: { zh, en } });

/**
 * A make-up working day on a weekday changes nothing, so it is a mistake, unless a regional
 * overlay lists it to cancel a national holiday (`nationalHolidays`). Returns the issue, or null.
 */
function makeupIssue(entry: Entry, nationalHolidays: ReadonlySet<string>): ProblemIssue | null {
  if (entry.kind !== 'workday' || isWeekend(entry.date) || nationalHolidays.has(entry.date)) return null;
  return issue(
    entry.path,
    `${entry.date} 是${weekdayZh(entry.date)}，本来就是工作日，列为调休上班日不会改变任何期限`,
    `${entry.date} is a ${weekdayEn(entry.date)}, a working day anyway; listing it as a make-up workday would change nothing`,
  );
}

const MAKEUP_SUMMARY: Bilingual = { zh: '调休上班日应为周末', en: 'A make-up workday must be a weekend day' };

/** The checks of a whole year's schedule, every one before anything is written. */
function checkYearEntries(year: number, region: string, entries: Entry[], nationalHolidays: ReadonlySet<string>): void {
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

const yearNotFound = (year: number) =>
  notFound(
    'calendar-year-not-found',
    `${year} 年尚无节假日数据。国务院公布当年放假安排后，请管理员录入全年安排（PUT /api/v1/calendar/years/${year}）`,
    `No holiday data for ${year} yet. Once the State Council announces the schedule, an administrator enters the whole year (PUT /api/v1/calendar/years/${year})`,
    { year },
  );

/** Single-day corrections and regional overlays sit on a national year that is already there. */
async function requireNationalYear(db: Db | Tx, year: number, what: Bilingual): Promise<void> {
  if (await coverageOf(db, NATIONAL_REGION, year)) return;
  throw refuse(
    'calendar-year-not-covered',
    `${year} 年尚无全国节假日数据，不能${what.zh}；请先导入全年安排（PUT /api/v1/calendar/years/${year}）`,
    `There is no national holiday data for ${year}, so you cannot ${what.en}; import the whole year first (PUT /api/v1/calendar/years/${year})`,
    { year },
  );
}

async function requireRegion(db: Db, region: string): Promise<void> {
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

async function calendarFor(db: Db, region: string, deps: AppDeps): Promise<WorkingCalendar> {
  const overlay = region === NATIONAL_REGION ? undefined : region;
  return buildCalendar(await loadCalendarData(db, overlay), {
    region: overlay,
    fallback: deps.config.calendarFallback,
  });
}

function dayView(day: CalendarDay, national: CalendarRow | undefined, region: string) {
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
async function yearView(deps: AppDeps, region: string, year: number): Promise<z.infer<typeof yearViewSchema>> {
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

const counts = (c: CalendarYearCounts | undefined) => ({
  holidays: c?.holidays ?? 0,
  workdays: c?.workdays ?? 0,
  adminDays: c?.adminDays ?? 0,
});

async function yearSummaries(db: Db, region: string): Promise<z.infer<typeof yearSummarySchema>[]> {
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

/**
 * An audited calendar write ({@link auditedWrite}) that also records the change's recompute, in the
 * same transaction; then the fan-out is started and the request answers 202 with its `Location`.
 */
async function calendarWrite<T>(
  ctx: { deps: AppDeps; principal: Principal; req: Request; res: Response },
  change: { action: string; region: string; reason: string },
  write: (tx: Tx) => Promise<{ before: unknown; after: unknown; result: T }>,
): Promise<T & z.infer<z.ZodObject<typeof recomputing>>> {
  const { result, recompute } = await auditedWrite(ctx, AUDIT_STREAM, change.action, change.reason, async (tx) => {
    const written = await write(tx);
    return {
      ...written,
      result: {
        result: written.result,
        recompute: await queueRecompute(tx, ctx.principal, change.action, change.region),
      },
    };
  });
  await startRecompute(ctx.deps, ctx.req.log);
  return { ...result, recompute: acceptedRecompute(ctx.res, recompute) };
}

const entryOf = (r: CalendarRow) => ({ date: r.date, name: r.name });
const rowOf = (r: CalendarRow | undefined) => (r ? { kind: r.kind, name: r.name, source: r.source } : null);
/** One day's row as audited. */
const auditedDay = (r: CalendarRow | undefined) =>
  r ? { region: r.region, date: r.date, kind: r.kind, name: r.name, source: r.source } : null;

/** A region's whole year as audited: coverage plus every entry. */
async function yearSnapshot(tx: Tx, region: string, year: number) {
  const [coverage, rows] = await Promise.all([coverageOf(tx, region, year), yearDays(tx, region, year)]);
  return {
    region,
    year,
    covered: coverage !== undefined,
    source: coverage?.source ?? null,
    holidays: rows.filter((r) => r.kind === 'holiday').map(entryOf),
    workdays: rows.filter((r) => r.kind === 'workday').map(entryOf),
  };
}

/** National holidays of a year, which a regional make-up workday may cancel. */
async function nationalHolidaysIn(tx: Tx, region: string, year: number): Promise<Set<string>> {
  if (region === NATIONAL_REGION) return new Set();
  return new Set((await yearDays(tx, NATIONAL_REGION, year)).filter((r) => r.kind === 'holiday').map((r) => r.date));
}

/**
 * A single-day correction of a region's calendar in a year that has national data: `write` gets
 * the day's current row and returns the new one (undefined once deleted). Answers with the day as
 * the region's calendar now sees it.
 */
async function dayWrite(
  ctx: {
    params: { date: string };
    query: { region?: string | undefined };
    body: { reason: string };
    deps: AppDeps;
    principal: Principal;
    req: Request;
    res: Response;
  },
  action: string,
  write: (tx: Tx, region: string, before: CalendarRow | undefined) => Promise<CalendarRow | undefined>,
): Promise<z.infer<typeof dayChangeSchema>> {
  const { deps, params } = ctx;
  const { date } = params;
  const region = ctx.query.region ?? NATIONAL_REGION;
  const db = deps.database.db;
  await requireRegion(db, region);
  const { before, after, recompute } = await calendarWrite(
    ctx,
    { action, region, reason: ctx.body.reason },
    async (tx) => {
      await requireNationalYear(tx, yearOfDate(date), { zh: '只更正单日', en: 'correct a single day' });
      const current = await findDay(tx, region, date);
      const next = await write(tx, region, current);
      return { before: auditedDay(current), after: auditedDay(next), result: { before: current, after: next } };
    },
  );
  const [calendar, national] = await Promise.all([calendarFor(db, region, deps), findDay(db, NATIONAL_REGION, date)]);
  return {
    region,
    date,
    before: rowOf(before),
    after: rowOf(after),
    day: dayView(calendar.describeDay(date), national, region),
    recompute,
  };
}

const yearOfDate = (date: string) => Number(date.slice(0, 4));

/**
 * A year may not be deleted while live deadlines depend on it, nor national data while a regional
 * overlay sits on it. An overlay's year is checked against every live case, not only the region's.
 */
async function refuseYearInUse(tx: Tx, region: string, year: number): Promise<void> {
  if (region === NATIONAL_REGION) {
    const overlays = await overlaysInYear(tx, year);
    if (overlays.length > 0) {
      throw conflict(
        'calendar-year-has-overlays',
        `${year} 年还有地方叠加（${overlays.join('、')}），请先删除地方叠加再删除全国数据`,
        `Regional overlays (${overlays.join(', ')}) still sit on ${year}; delete them before the national data`,
        { year, regions: overlays },
      );
    }
  }
  const { count, caseIds } = await casesDependingOnYear(tx, year);
  if (count === 0) return;
  throw conflict(
    'calendar-year-in-use',
    `${count} 个在办案件的期限仍依赖 ${year} 年的日历（${caseIds.join('、')}${count > caseIds.length ? ' 等' : ''}），不能删除；待这些案件办结后再删除`,
    `The deadlines of ${count} live case(s) still depend on the ${year} calendar (${caseIds.join(', ')}${count > caseIds.length ? ', …' : ''}); it cannot be deleted until they are closed`,
    { year, count, caseIds },
  );
}

/** 24:00 of the previous day for an instant at local midnight, else `HH:MM`; with the weekday. */
function localText(ms: number): string {
  const local = formatShanghai(ms);
  const midnight = ms === dayStartMs(localDayIndex(ms));
  const day = midnight ? localDayIndex(ms) - 1 : localDayIndex(ms);
  return `${localDateOf(day)} ${midnight ? '24:00' : local.slice(11, 16)} ${WEEKDAY_ZH[weekdayOf(day)]}`;
}

export function registerCalendarRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/calendar/years',
    operationId: 'listCalendarYears',
    summary:
      '已录入节假日数据的年份及放假/调休天数 / Years with holiday data, with counts of holidays and make-up workdays',
    tags: ['calendar'],
    access: { roles: 'any' },
    query: regionQuery,
    response: {
      schema: z.object({ region: z.string(), years: z.array(yearSummarySchema) }).openapi('CalendarYearList'),
      description: '按年份排序 / In year order',
    },
    errors: [404],
    async handler({ query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      return { region, years: await yearSummaries(deps.database.db, region) };
    },
  });

  routes.add({
    method: 'get',
    path: '/calendar/years/:year',
    operationId: 'getCalendarYear',
    summary:
      '某年的放假日和调休上班日（按日历实际认定）/ A year’s holidays and make-up workdays as the calendar sees them',
    description:
      '指定 region 时同时显示该区划的地方叠加，并标明其覆盖的全国安排。/ With ?region= the regional overlay is included, marked as such with the national entry it overrides.',
    tags: ['calendar'],
    access: { roles: 'any' },
    params: yearParam,
    query: regionQuery,
    response: { schema: yearViewSchema, description: '该年日历 / The year' },
    errors: [404],
    async handler({ params, query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      return yearView(deps, region, params.year);
    },
  });

  routes.add({
    method: 'put',
    path: '/calendar/years/:year',
    operationId: 'replaceCalendarYear',
    summary:
      '录入或替换某年全国放假安排（或某区划的地方叠加）/ Enter or replace a year’s national schedule (or a region’s overlay)',
    description:
      '国务院公布放假安排后由管理员整年录入：日期须在该年内、不得重复、同一天不能既放假又上班、调休上班日须为周末（地方叠加可用以取消全国假日）。保存后所有在办案件在后台重新计算期限（202，进度见 Location）。/ ' +
      'Entered by an admin once the State Council announces the year: dates in the year, none twice, never both holiday and workday, make-up workdays on weekends (an overlay may also cancel a national holiday). Every live case then recomputes its deadlines in the background (202; follow Location for the progress).',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: yearParam,
    query: regionQuery,
    body: yearBody,
    response: {
      status: 202,
      schema: yearViewSchema.extend(recomputing).openapi('CalendarYearReplaced'),
      description:
        '保存后的该年日历；在办案件的期限在后台重算 / The year as saved; live deadlines are being recomputed',
    },
    errors: [404, 422],
    async handler(ctx) {
      const { params, query, body, deps } = ctx;
      const { year } = params;
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      const entries = entriesOf(body);
      const { recompute } = await calendarWrite(
        ctx,
        { action: 'calendar.year.replace', region, reason: body.reason },
        async (tx) => {
          if (region !== NATIONAL_REGION)
            await requireNationalYear(tx, year, {
              zh: `录入 ${region} 的地方叠加`,
              en: `enter the overlay of ${region}`,
            });
          checkYearEntries(year, region, entries, await nationalHolidaysIn(tx, region, year));
          const before = await yearSnapshot(tx, region, year);
          await replaceYear(
            tx,
            region,
            year,
            entries.map(({ path: _p, ...e }) => e),
            'admin',
          );
          return { before, after: await yearSnapshot(tx, region, year), result: {} };
        },
      );
      return { ...(await yearView(deps, region, year)), recompute };
    },
  });

  routes.add({
    method: 'put',
    path: '/calendar/days/:date',
    operationId: 'putCalendarDay',
    summary: '单日更正：设为放假日或调休上班日 / Correct one day: make it a holiday or a make-up workday',
    description:
      '该年须已有全国数据（否则请先整年录入）。/ The year must already have national data (import the whole year first).',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: dateParam,
    query: regionQuery,
    body: dayBody,
    response: {
      status: 202,
      schema: dayChangeSchema,
      description: '更正结果；在办案件的期限在后台重算 / The change; live deadlines are being recomputed',
    },
    errors: [404, 422],
    handler: (ctx) =>
      dayWrite(ctx, 'calendar.day.put', async (tx, region) => {
        const { date } = ctx.params;
        const entry: Entry = { date, kind: ctx.body.kind, name: ctx.body.name, path: 'body.kind' };
        const national = region === NATIONAL_REGION ? undefined : await findDay(tx, NATIONAL_REGION, date);
        const cancels = new Set(national?.kind === 'holiday' ? [date] : []);
        refuseIssues(
          'makeup-workday-not-weekend',
          MAKEUP_SUMMARY,
          [makeupIssue(entry, cancels)].filter((i) => i !== null),
        );
        return upsertDay(tx, region, entry, 'admin');
      }),
  });

  routes.add({
    method: 'delete',
    path: '/calendar/days/:date',
    operationId: 'deleteCalendarDay',
    summary:
      '单日更正：删除该日的放假/调休记录，恢复按星期计 / Correct one day: remove its entry, so the day of the week decides',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: dateParam,
    query: regionQuery,
    body: z.strictObject({ reason }),
    response: {
      status: 202,
      schema: dayChangeSchema,
      description: '更正结果；在办案件的期限在后台重算 / The change; live deadlines are being recomputed',
    },
    errors: [404, 422],
    handler: (ctx) =>
      dayWrite(ctx, 'calendar.day.delete', async (tx, region, before) => {
        const { date } = ctx.params;
        if (!before)
          throw notFound(
            'calendar-day-not-found',
            `${region} 在 ${date} 没有放假或调休记录`,
            `${region} has no calendar entry on ${date}`,
            { region, date },
          );
        await deleteDay(tx, region, date);
        return undefined;
      }),
  });

  routes.add({
    method: 'get',
    path: '/calendar/deadline',
    operationId: 'calculateDeadline',
    summary: '期限计算器：起算时刻 + 时限 → 截止时刻 / Deadline calculator: a start and a time limit give the deadline',
    description:
      '按工作日计时，起算当日不计，截止为最后一个工作日的 24:00（行政许可法 §82）；列出计入的工作日和跳过的节假日。无数据年份按服务器配置拒绝（422）或按周一至周五推定并在 fallbackYears 中标明。/ ' +
      'Working days exclude the start day and end at 24:00 of the last working day; lists the days counted and the holidays skipped. A year without data is refused (422) or assumed Mon–Fri and listed in fallbackYears, as the server is configured.',
    tags: ['calendar'],
    access: { roles: 'any' },
    query: deadlineQuery,
    response: { schema: deadlineSchema, description: '计算结果 / The calculation' },
    errors: [404, 422],
    async handler({ query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      await requireRegion(deps.database.db, region);
      const calendar = await calendarFor(deps.database.db, region, deps);
      const startMs = Date.parse(query.start);
      try {
        const { value: deadline, fallbackYears } = calendar.deadline(query.unit, startMs, query.amount);
        const end = deadline.getTime();
        const workingDays: (ReturnType<typeof dayView> & { counted: number })[] = [];
        const skippedDays: ReturnType<typeof dayView>[] = [];
        if (query.unit === 'workday' || query.unit === 'workhour') {
          // The start day itself is not counted for working days (行政许可法 §82).
          const from = query.unit === 'workday' ? dayStartMs(localDayIndex(startMs) + 1) : startMs;
          for (let day = localDayIndex(from); end > from && day <= localDayIndex(end - 1); day++) {
            const described = calendar.describeDay(localDateOf(day));
            const counted = calendar.measure(
              query.unit,
              Math.max(from, dayStartMs(day)),
              Math.min(end, dayStartMs(day + 1)),
            ).value;
            const view = dayView(described, undefined, region);
            if (counted > 0) workingDays.push({ ...view, counted });
            else if (!described.working) skippedDays.push(view);
          }
        }
        return {
          start: new Date(startMs).toISOString(),
          unit: query.unit,
          amount: query.amount,
          region,
          deadline: deadline.toISOString(),
          deadlineLocal: formatShanghai(deadline),
          deadlineText: localText(end),
          workingDays,
          skippedDays,
          fallbackYears,
          fallbackPolicy: deps.config.calendarFallback,
        };
      } catch (err) {
        if (err instanceof CalendarYearMissingError) throw calendarYearMissingProblem(err);
        throw err;
      }
    },
  });
  routes.add({
    method: 'get',
    path: '/calendar/days/:date',
    operationId: 'getCalendarDay',
    summary:
      '某一天按日历如何认定：工作日、周末、放假或调休上班 / How the calendar sees one day: workday, weekend, holiday or make-up workday',
    description:
      '指定 region 时按该区划的日历（含地方叠加）。该年尚无全国数据时 404。/ With ?region= the region’s calendar, overlay included. 404 when the year has no national data.',
    tags: ['calendar'],
    access: { roles: 'any' },
    params: dateParam,
    query: regionQuery,
    response: { schema: dayViewSchema, description: '该日 / The day' },
    errors: [404],
    async handler({ params, query, deps }) {
      const region = query.region ?? NATIONAL_REGION;
      const db = deps.database.db;
      await requireRegion(db, region);
      const year = yearOfDate(params.date);
      if (!(await coverageOf(db, NATIONAL_REGION, year))) throw yearNotFound(year);
      const [calendar, national] = await Promise.all([
        calendarFor(db, region, deps),
        findDay(db, NATIONAL_REGION, params.date),
      ]);
      return dayView(calendar.describeDay(params.date), national, region);
    },
  });

  routes.add({
    method: 'delete',
    path: '/calendar/years/:year',
    operationId: 'deleteCalendarYear',
    summary:
      '删除某年全国放假安排（或某区划该年的地方叠加）/ Delete a year’s national schedule (or a region’s overlay in the year)',
    description:
      '仍有在办案件的期限依赖该年（案件从受理到期限的跨度落入该年，或时钟暂停、期限未定）时拒绝（409），全国数据还有地方叠加时也拒绝。删除后在办案件在后台重算（202）。/ ' +
      'Refused (409) while a live case’s deadlines depend on the year (its span from opening to a deadline reaches into the year, or a clock is paused or without a deadline), and for national data while a regional overlay sits on it. Live cases then recompute in the background (202).',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: yearParam,
    query: regionQuery,
    body: z.strictObject({ reason }),
    response: {
      status: 202,
      schema: z
        .object({
          region: z.string(),
          year: z.number().int(),
          deleted: z.object({ holidays: z.number().int(), workdays: z.number().int() }),
          ...recomputing,
        })
        .openapi('CalendarYearDeleted'),
      description: '已删除；在办案件的期限在后台重算 / Deleted; live deadlines are being recomputed',
    },
    errors: [404, 409],
    async handler(ctx) {
      const { year } = ctx.params;
      const region = ctx.query.region ?? NATIONAL_REGION;
      await requireRegion(ctx.deps.database.db, region);
      const { deleted, recompute } = await calendarWrite(
        ctx,
        { action: 'calendar.year.delete', region, reason: ctx.body.reason },
        async (tx) => {
          const before = await yearSnapshot(tx, region, year);
          if (!before.covered && before.holidays.length + before.workdays.length === 0) {
            if (region === NATIONAL_REGION) throw yearNotFound(year);
            throw notFound(
              'calendar-overlay-not-found',
              `${region} 在 ${year} 年没有地方叠加数据`,
              `${region} has no overlay in ${year}`,
              { region, year },
            );
          }
          await refuseYearInUse(tx, region, year);
          await deleteYear(tx, region, year);
          return {
            before,
            after: null,
            result: { deleted: { holidays: before.holidays.length, workdays: before.workdays.length } },
          };
        },
      );
      return { region, year, deleted, recompute };
    },
  });
}
