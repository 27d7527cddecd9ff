import { z } from 'zod';
import { bilingual } from './bilingual';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  dayIndexOf,
  dayStartMs,
  isLocalDate,
  localDateOf,
  localDayIndex,
  parseLocalTime,
  toEpochMs,
  weekdayOf,
  yearOf,
  type Instant,
  type LocalDate,
} from './time';

/** Units a duration can be expressed in: working days, office hours, or natural minutes/hours/days. */
export const DURATION_UNITS = ['workday', 'workhour', 'minute', 'hour', 'day'] as const;
/** One of {@link DURATION_UNITS}. */
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** A duration such as `{ unit: 'workday', amount: 20 }` or `{ unit: 'minute', amount: 30 }`. */
export const durationSchema = z.object({
  unit: z.enum(DURATION_UNITS),
  amount: z.number().nonnegative(),
});
/** See {@link durationSchema}. */
export type Duration = z.infer<typeof durationSchema>;
/** The largest amount a case's time limit may have, in any unit (a million days is still a valid date). */
export const MAX_DURATION_AMOUNT = 1_000_000;
/** More than zero and at most {@link MAX_DURATION_AMOUNT}: beyond that no deadline is a real date (and a case that cannot compute one cannot start). */
const allowingTime = <S extends z.ZodType<Duration>>(schema: S) =>
  schema
    .refine((d) => d.amount > 0, {
      message: bilingual('时限必须大于 0', 'the time limit must be more than zero'),
      path: ['amount'],
    })
    .refine((d) => d.amount <= MAX_DURATION_AMOUNT, {
      message: bilingual(`时限不能超过 ${MAX_DURATION_AMOUNT}`, `the time limit may not exceed ${MAX_DURATION_AMOUNT}`),
      path: ['amount'],
    });
/** A time limit that actually allows some time: what a case's budget must be. */
export const positiveDurationSchema = allowingTime(durationSchema);
/** The same, refusing unknown keys: for configured limits (incident levels, 报到). */
export const strictPositiveDurationSchema = allowingTime(durationSchema.strict());

/** A `YYYY-MM-DD` calendar date that exists. */
export const localDateSchema = z.string().refine(isLocalDate, {
  error: (issue) =>
    bilingual(
      `${String(issue.input)} 不是存在的日期，须为 YYYY-MM-DD`,
      `${String(issue.input)} is not a real date; expected YYYY-MM-DD`,
    ),
});

/** A named date in calendar data, e.g. `{ date: '2025-01-28', name: '春节' }`. */
export const calendarEntrySchema = z.object({ date: localDateSchema, name: z.string() });
/** See {@link calendarEntrySchema}. */
export type CalendarEntry = z.infer<typeof calendarEntrySchema>;

/**
 * Exceptions to the Mon–Fri week: `holidays` are days off (statutory holidays; entries falling on a
 * weekend are allowed and only add a name), `workdays` are make-up working days (调休, e.g. a working
 * Saturday).
 */
export const calendarDaysSchema = z.object({
  holidays: z.array(calendarEntrySchema),
  workdays: z.array(calendarEntrySchema),
});
/** See {@link calendarDaysSchema}. */
export type CalendarDays = z.infer<typeof calendarDaysSchema>;

/**
 * Calendar data as stored and passed between activities and workflows (plain JSON).
 * `years` holds the national schedule per year; a year present here is *covered* (its data is
 * complete), a year absent is *missing*. `overlays` holds, per region code (e.g. an administrative
 * division code), extra days applied on top of the national data in that region; an overlay entry
 * overrides the national entry for the same date.
 */
export const calendarDataSchema = z
  .object({
    years: z.record(z.string().regex(/^\d{4}$/), calendarDaysSchema),
    overlays: z.record(z.string().min(1), calendarDaysSchema).optional(),
  })
  .superRefine((data, ctx) => {
    for (const [year, days] of Object.entries(data.years)) {
      for (const entry of [...days.holidays, ...days.workdays]) {
        if (!entry.date.startsWith(`${year}-`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['years', year],
            message: bilingual(`${entry.date} 不在 ${year} 年`, `${entry.date} is not in ${year}`),
          });
        }
      }
      checkNoDuplicates(days, ['years', year], ctx);
    }
    for (const [region, days] of Object.entries(data.overlays ?? {})) {
      checkNoDuplicates(days, ['overlays', region], ctx);
    }
  });
/** See {@link calendarDataSchema}. */
export type CalendarData = z.infer<typeof calendarDataSchema>;

function checkNoDuplicates(days: CalendarDays, path: string[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const entry of [...days.holidays, ...days.workdays]) {
    if (seen.has(entry.date))
      ctx.addIssue({
        code: 'custom',
        path,
        message: bilingual(`${entry.date} 重复列出`, `${entry.date} is listed twice`),
      });
    seen.add(entry.date);
  }
}

const localTimeSchema = z.string().refine((time) => Number.isFinite(timeMs(time)), {
  message: bilingual('须为 HH:MM 时间', 'expected a time as HH:MM'),
});

/** One office-hours session of a working day, local wall-clock `HH:MM`–`HH:MM`. */
export const officeSessionSchema = z
  .object({ start: localTimeSchema, end: localTimeSchema })
  .refine((s) => timeMs(s.start) < timeMs(s.end), {
    message: bilingual('办公时段的结束须晚于开始', 'a session must end after it starts'),
  });

/** Office hours of a working day: sessions in order, not overlapping, at least one. */
export const officeHoursSchema = z
  .array(officeSessionSchema)
  .min(1)
  .refine((sessions) => sessions.every((s, i) => i === 0 || timeMs(sessions[i - 1]!.end) <= timeMs(s.start)), {
    message: bilingual('办公时段须按先后排列且不得重叠', 'sessions must be in order and must not overlap'),
  });
/** See {@link officeHoursSchema}. */
export type OfficeHours = z.infer<typeof officeHoursSchema>;

/** Default office hours: 09:00–12:00 and 13:30–17:30 Asia/Shanghai. */
export const DEFAULT_OFFICE_HOURS: OfficeHours = [
  { start: '09:00', end: '12:00' },
  { start: '13:30', end: '17:30' },
];

// Zod runs refinements even when a field already failed, so this must not throw: NaN fails every comparison.
function timeMs(time: string): number {
  try {
    return parseLocalTime(time);
  } catch {
    return Number.NaN;
  }
}

/**
 * What to do with a date in a year that has no calendar data: `refuse` throws
 * {@link CalendarYearMissingError}; `weekdays` counts Mon–Fri as working days and reports the year in
 * every result's `fallbackYears`.
 */
export type CalendarFallback = 'refuse' | 'weekdays';

/** Options of {@link buildCalendar}. */
export interface CalendarOptions {
  /**
   * Region code whose overlay applies; none (or a region without an overlay) means national days only.
   */
  region?: string;
  fallback: CalendarFallback;
  /** Defaults to {@link DEFAULT_OFFICE_HOURS}. */
  officeHours?: OfficeHours;
  /**
   * The data was accepted by {@link calendarDataSchema} before it reached the caller, which builds
   * it again: a workflow's clocks (workflows/shared/case-clocks.ts), whose calendar the API built
   * before starting the case (or the calendar activity read from rows the database constrains),
   * build it on every start and every replay.
   * Skips the parse, whose fresh schemas in each workflow's sandbox cost about a tenth of the
   * workflow thread's CPU in `bench:timers`. Anything else leaves it unset.
   */
  validated?: boolean;
}

/**
 * The first year of calendar data a case opened at `openedAt` carries: the year before its opening
 * (Asia/Shanghai). Every clock starts at an action's time, never before the opening, so earlier years
 * are never consulted; the year before is a margin. Twenty years of national data weigh about 34 KB
 * in every case's start input; two weigh about 3 KB (bench:throughput, issue 19).
 */
export function firstCalendarYearFor(openedAt: number): number {
  return yearOf(localDayIndex(openedAt)) - 1;
}

/** Thrown when a calculation needs a year without calendar data and the fallback is `refuse`. */
export class CalendarYearMissingError extends Error {
  readonly code = 'calendar-year-missing';
  constructor(readonly year: number) {
    super(`${year} 年的节假日数据尚未录入，无法计算工作日期限 / No holiday calendar for ${year}`);
    this.name = 'CalendarYearMissingError';
  }
}

/**
 * A calculated value plus the years (ascending) whose Mon–Fri fallback it relied on. An empty
 * `fallbackYears` means every day involved came from real calendar data.
 */
export interface CalendarResult<T> {
  value: T;
  fallbackYears: number[];
}

/** How a date counts and why. */
export interface CalendarDay {
  date: LocalDate;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  working: boolean;
  /**
   * `holiday` and `makeup-workday` come from calendar data; `workday`/`weekend` from the day of the
   * week (or from data that repeats it).
   */
  kind: 'workday' | 'weekend' | 'holiday' | 'makeup-workday';
  /** Name from the calendar data, e.g. `春节`. */
  name?: string;
  /** Where the rule came from: `national` or the overlay's region code. */
  source?: string;
  /** True when the date's year has no data and the Mon–Fri fallback decided. */
  fallback: boolean;
}

interface DayRule {
  working: boolean;
  name: string;
  source: string;
}

// [start, end) offsets in milliseconds after local midnight.
type Span = readonly [number, number];

const WHOLE_DAY: readonly Span[] = [[0, DAY_MS]];

const NATURAL_UNIT_MS = { minute: MINUTE_MS, hour: HOUR_MS, day: DAY_MS } as const;

/** Milliseconds of counted time in one unit of a duration. */
export function unitMs(unit: DurationUnit): number {
  if (unit === 'workday') return DAY_MS;
  if (unit === 'workhour') return HOUR_MS;
  return NATURAL_UNIT_MS[unit];
}

// A calculation that walks further than this is a bug (e.g. a loop over a calendar with no working day).
const MAX_DAYS_WALKED = 366 * 100;

/**
 * Working-day calendar for one region: national data plus the region's overlay, with office hours
 * and a fallback policy. Build it with {@link buildCalendar}; it is immutable and deterministic.
 *
 * Time model: a working day counts as its whole 24 local hours for `workday` durations and as its
 * office sessions for `workhour` durations; natural units ignore the calendar. Every instant-valued
 * result is the *earliest* instant satisfying the rule.
 */
export class WorkingCalendar {
  /** Region whose overlay applies, or null for national days only. */
  readonly region: string | null;
  readonly fallback: CalendarFallback;
  readonly officeHours: OfficeHours;
  /** Years with calendar data, ascending. */
  readonly coveredYears: readonly number[];
  private readonly covered: ReadonlySet<number>;
  private readonly rules: ReadonlyMap<number, DayRule>;
  private readonly officeSpans: readonly Span[];

  /**
   * Validates the data (unless `options.validated`) and the office hours given (throws a
   * `ZodError`); same as {@link buildCalendar}.
   */
  constructor(input: CalendarData, options: CalendarOptions) {
    const data = options.validated ? input : calendarDataSchema.parse(input);
    this.region = options.region ?? null;
    this.fallback = options.fallback;
    this.officeHours = options.officeHours ? officeHoursSchema.parse(options.officeHours) : DEFAULT_OFFICE_HOURS;
    this.officeSpans = this.officeHours.map((s) => [parseLocalTime(s.start), parseLocalTime(s.end)] as const);
    this.coveredYears = Object.keys(data.years)
      .map(Number)
      .sort((a, b) => a - b);
    this.covered = new Set(this.coveredYears);
    const rules = new Map<number, DayRule>();
    const addRules = (days: CalendarDays, source: string): void => {
      for (const h of days.holidays) rules.set(dayIndexOf(h.date), { working: false, name: h.name, source });
      for (const w of days.workdays) rules.set(dayIndexOf(w.date), { working: true, name: w.name, source });
    };
    for (const days of Object.values(data.years)) addRules(days, 'national');
    const overlay = this.region === null ? undefined : data.overlays?.[this.region];
    if (overlay && this.region !== null) addRules(overlay, this.region);
    this.rules = rules;
  }

  /** How a date counts (throws {@link CalendarYearMissingError} for a missing year under `refuse`). */
  describeDay(date: LocalDate): CalendarDay {
    const day = dayIndexOf(date);
    const sink = new Set<number>();
    const working = this.isWorking(day, sink);
    const weekday = weekdayOf(day);
    const rule = this.rules.get(day);
    return {
      date,
      weekday,
      working,
      kind: dayKind(working, isWeekend(weekday), rule !== undefined),
      ...(rule ? { name: rule.name, source: rule.source } : {}),
      fallback: sink.size > 0,
    };
  }

  /** Whether a date is a working day. */
  isWorkingDay(date: LocalDate): CalendarResult<boolean> {
    return this.tracked((sink) => this.isWorking(dayIndexOf(date), sink));
  }

  /** The first working date strictly after `date`. */
  nextWorkingDay(date: LocalDate): CalendarResult<LocalDate> {
    return this.tracked((sink) => localDateOf(this.firstWorkingDayFrom(dayIndexOf(date) + 1, sink)));
  }

  /**
   * Elapsed amount of `unit` in [from, to): for `workday`, the fraction of each working date's 24
   * local hours inside the interval; for `workhour`, office hours inside it; natural units plainly.
   * Negative when `to` is before `from`.
   */
  measure(unit: DurationUnit, from: Instant, to: Instant): CalendarResult<number> {
    const fromMs = toEpochMs(from);
    const toMs = toEpochMs(to);
    return this.tracked((sink) => {
      if (toMs < fromMs) return -this.countedMs(unit, toMs, fromMs, sink) / unitMs(unit);
      return this.countedMs(unit, fromMs, toMs, sink) / unitMs(unit);
    });
  }

  /**
   * The earliest instant at which {@link measure} from `from` reaches `amount` (≥ 0). Amounts are
   * resolved to whole milliseconds of counted time.
   */
  advance(unit: DurationUnit, from: Instant, amount: number): CalendarResult<Date> {
    const fromMs = toEpochMs(from);
    const countedMs = toCountedMs(unit, amount);
    return this.tracked((sink) => new Date(this.advanceMs(unit, fromMs, countedMs, sink)));
  }

  /**
   * The legal deadline of a time limit starting at `start`. For `workday` the start day is not
   * counted (行政许可法 §82): counting begins at the next local midnight and the deadline is 24:00 of
   * the last working day, so it never falls on a non-working day. For other units it is
   * {@link advance}.
   */
  deadline(unit: DurationUnit, start: Instant, amount: number): CalendarResult<Date> {
    const startMs = toEpochMs(start);
    const countedMs = toCountedMs(unit, amount);
    return this.tracked((sink) => {
      if (unit !== 'workday') return new Date(this.advanceMs(unit, startMs, countedMs, sink));
      const countFrom = dayStartMs(localDayIndex(startMs) + 1);
      return new Date(this.endOfWorkingDayMs(this.advanceMs(unit, countFrom, countedMs, sink), sink));
    });
  }

  /**
   * 24:00 of the working day an instant falls in, or of the next working day when it falls on a
   * non-working day. An instant exactly at local midnight belongs to the day it ends, so an
   * end-of-working-day instant maps to itself.
   */
  endOfWorkingDay(instant: Instant): CalendarResult<Date> {
    const ms = toEpochMs(instant);
    return this.tracked((sink) => new Date(this.endOfWorkingDayMs(ms, sink)));
  }

  private tracked<T>(compute: (sink: Set<number>) => T): CalendarResult<T> {
    const sink = new Set<number>();
    const value = compute(sink);
    return { value, fallbackYears: [...sink].sort((a, b) => a - b) };
  }

  // Whether a local day is a working day; records a fallback year in `sink` (or refuses).
  private isWorking(day: number, sink: Set<number>): boolean {
    const year = yearOf(day);
    if (!this.covered.has(year)) {
      if (this.fallback === 'refuse') throw new CalendarYearMissingError(year);
      sink.add(year);
    }
    return this.rules.get(day)?.working ?? !isWeekend(weekdayOf(day));
  }

  private firstWorkingDayFrom(day: number, sink: Set<number>): number {
    for (let d = day; d < day + MAX_DAYS_WALKED; d++) if (this.isWorking(d, sink)) return d;
    throw new RangeError('No working day found within 100 years');
  }

  private endOfWorkingDayMs(ms: number, sink: Set<number>): number {
    return dayStartMs(this.firstWorkingDayFrom(localDayIndex(ms - 1), sink) + 1);
  }

  private spans(unit: 'workday' | 'workhour'): readonly Span[] {
    return unit === 'workday' ? WHOLE_DAY : this.officeSpans;
  }

  // Counted milliseconds in [fromMs, toMs), fromMs ≤ toMs.
  private countedMs(unit: DurationUnit, fromMs: number, toMs: number, sink: Set<number>): number {
    if (unit !== 'workday' && unit !== 'workhour') return toMs - fromMs;
    const spans = this.spans(unit);
    let total = 0;
    for (let day = localDayIndex(fromMs); dayStartMs(day) < toMs; day++) {
      const base = dayStartMs(day);
      let overlap = 0;
      for (const [a, b] of spans) overlap += Math.max(0, Math.min(base + b, toMs) - Math.max(base + a, fromMs));
      // Only consult the calendar for days that matter, so fallback years are reported precisely.
      if (overlap > 0 && this.isWorking(day, sink)) total += overlap;
    }
    return total;
  }

  private advanceMs(unit: DurationUnit, fromMs: number, countedMs: number, sink: Set<number>): number {
    if (unit !== 'workday' && unit !== 'workhour') return fromMs + countedMs;
    if (countedMs === 0) return fromMs;
    const spans = this.spans(unit);
    let remaining = countedMs;
    const firstDay = localDayIndex(fromMs);
    for (let day = firstDay; day < firstDay + MAX_DAYS_WALKED; day++) {
      const base = dayStartMs(day);
      let working: boolean | undefined;
      for (const [a, b] of spans) {
        const start = Math.max(base + a, fromMs);
        const end = base + b;
        if (end <= start) continue;
        working ??= this.isWorking(day, sink);
        if (!working) break;
        if (end - start >= remaining) return start + remaining;
        remaining -= end - start;
      }
    }
    throw new RangeError('Duration does not end within 100 years');
  }
}

function isWeekend(weekday: number): boolean {
  return weekday === 0 || weekday === 6;
}

function dayKind(working: boolean, weekend: boolean, fromData: boolean): CalendarDay['kind'] {
  if (!working) return fromData ? 'holiday' : 'weekend';
  return weekend ? 'makeup-workday' : 'workday';
}

function toCountedMs(unit: DurationUnit, amount: number): number {
  if (!Number.isFinite(amount) || amount < 0) throw new RangeError(`Amount must be a finite number ≥ 0, got ${amount}`);
  return Math.round(amount * unitMs(unit));
}

/**
 * Build a calendar from (validated) calendar data: national days, plus the overlay of `region`
 * if given, with the fallback policy for missing years and the office hours.
 */
export function buildCalendar(data: CalendarData, options: CalendarOptions): WorkingCalendar {
  return new WorkingCalendar(data, options);
}
