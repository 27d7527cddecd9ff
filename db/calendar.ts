import { and, asc, between, count, eq, gte, inArray, ne, sql } from 'drizzle-orm';
import type { CalendarData } from '../domain/calendar';
import type { Db } from './index';
import { orgUnits } from './schema/org';
import {
  calendarDays,
  calendarYears,
  NATIONAL_REGION,
  type CalendarDay,
  type CalendarDayKind,
  type CalendarSource,
  type CalendarYear,
} from './schema/calendar';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
type Reader = Db | Tx;

/** A calendar row as an administrator writes it. */
export interface CalendarDayInput {
  date: string;
  kind: CalendarDayKind;
  name: string;
}

/** Per-year counts of one region's rows. */
export interface CalendarYearCounts {
  year: number;
  holidays: number;
  workdays: number;
  /** Rows entered or corrected by an administrator. */
  adminDays: number;
}

const firstDay = (year: number) => `${year}-01-01`;
const lastDay = (year: number) => `${year}-12-31`;
const inYear = (year: number) => between(calendarDays.date, firstDay(year), lastDay(year));

/** The coverage rows (national first, then the region's) for the given regions, by year. */
export function coverageRows(db: Reader, regions: readonly string[]): Promise<CalendarYear[]> {
  return db
    .select()
    .from(calendarYears)
    .where(inArray(calendarYears.region, [...regions]))
    .orderBy(asc(calendarYears.year), asc(calendarYears.region));
}

/** One region's coverage row for a year, if the year is covered there. */
export async function coverageOf(db: Reader, region: string, year: number): Promise<CalendarYear | undefined> {
  const [row] = await db
    .select()
    .from(calendarYears)
    .where(and(eq(calendarYears.region, region), eq(calendarYears.year, year)));
  return row;
}

/** How many holidays, make-up workdays and admin-entered rows a region has per year. */
export async function dayCountsByYear(db: Reader, region: string): Promise<CalendarYearCounts[]> {
  const year = sql<number>`extract(year from ${calendarDays.date})::int`;
  const rows = await db
    .select({
      year,
      holidays: count(sql`case when ${calendarDays.kind} = 'holiday' then 1 end`),
      workdays: count(sql`case when ${calendarDays.kind} = 'workday' then 1 end`),
      adminDays: count(sql`case when ${calendarDays.source} = 'admin' then 1 end`),
    })
    .from(calendarDays)
    .where(eq(calendarDays.region, region))
    .groupBy(year)
    .orderBy(year);
  return rows;
}

/** A region's rows for one year, in date order. */
export function yearDays(db: Reader, region: string, year: number): Promise<CalendarDay[]> {
  return db
    .select()
    .from(calendarDays)
    .where(and(eq(calendarDays.region, region), inYear(year)))
    .orderBy(asc(calendarDays.date));
}

/** One region's row for a date. */
export async function findDay(db: Reader, region: string, date: string): Promise<CalendarDay | undefined> {
  const [row] = await db
    .select()
    .from(calendarDays)
    .where(and(eq(calendarDays.region, region), eq(calendarDays.date, date)));
  return row;
}

/**
 * Replace all of a region's rows in `year` with `days` and mark the year covered for that region,
 * both with `source`. Call inside a transaction.
 */
export async function replaceYear(
  tx: Tx,
  region: string,
  year: number,
  days: readonly CalendarDayInput[],
  source: CalendarSource,
): Promise<void> {
  await tx.delete(calendarDays).where(and(eq(calendarDays.region, region), inYear(year)));
  if (days.length > 0) await tx.insert(calendarDays).values(days.map((d) => ({ ...d, region, source })));
  await tx
    .insert(calendarYears)
    .values({ region, year, status: 'complete', source })
    .onConflictDoUpdate({
      target: [calendarYears.region, calendarYears.year],
      set: { status: 'complete', source, updatedAt: new Date() },
    });
}

/** Insert or overwrite one region's row for a date. */
export async function upsertDay(
  tx: Tx,
  region: string,
  day: CalendarDayInput,
  source: CalendarSource,
): Promise<CalendarDay> {
  const [row] = await tx
    .insert(calendarDays)
    .values({ ...day, region, source })
    .onConflictDoUpdate({
      target: [calendarDays.region, calendarDays.date],
      set: { kind: day.kind, name: day.name, source, updatedAt: new Date() },
    })
    .returning();
  if (!row) throw new Error('upsert returned no row');
  return row;
}

/** Delete one region's row for a date; true when there was one. */
export async function deleteDay(tx: Tx, region: string, date: string): Promise<boolean> {
  const rows = await tx
    .delete(calendarDays)
    .where(and(eq(calendarDays.region, region), eq(calendarDays.date, date)))
    .returning({ date: calendarDays.date });
  return rows.length > 0;
}

/** Delete a region's rows in `year` and its coverage of the year; false when it had neither. Call inside a transaction. */
export async function deleteYear(tx: Tx, region: string, year: number): Promise<boolean> {
  const days = await tx
    .delete(calendarDays)
    .where(and(eq(calendarDays.region, region), inYear(year)))
    .returning({ date: calendarDays.date });
  const years = await tx
    .delete(calendarYears)
    .where(and(eq(calendarYears.region, region), eq(calendarYears.year, year)))
    .returning({ year: calendarYears.year });
  return days.length > 0 || years.length > 0;
}

/** The regions other than the national one with rows or coverage in `year`. */
export async function overlaysInYear(db: Reader, year: number): Promise<string[]> {
  const [days, years] = await Promise.all([
    db
      .selectDistinct({ region: calendarDays.region })
      .from(calendarDays)
      .where(and(ne(calendarDays.region, NATIONAL_REGION), inYear(year))),
    db
      .selectDistinct({ region: calendarYears.region })
      .from(calendarYears)
      .where(and(ne(calendarYears.region, NATIONAL_REGION), eq(calendarYears.year, year))),
  ]);
  return [...new Set([...days, ...years].map((r) => r.region))].sort();
}

/** Whether a region code means anything here: a unit uses it, or the calendar already has rows for it. */
export async function regionKnown(db: Reader, region: string): Promise<boolean> {
  const { rows } = await db.execute<{ known: boolean }>(
    sql`select exists (select 1 from ${orgUnits} where ${orgUnits.regionCode} = ${region})
        or exists (select 1 from ${calendarDays} where ${calendarDays.region} = ${region})
        or exists (select 1 from ${calendarYears} where ${calendarYears.region} = ${region}) as known`,
  );
  return rows[0]?.known === true;
}

/**
 * Read the calendar (national years plus the region's overlay) as the JSON the workflows compute with;
 * with `fromYear`, only that year and later (a new case's, see `firstCalendarYearFor`).
 */
export async function loadCalendarData(
  db: Db,
  region?: string,
  opts: { fromYear?: number } = {},
): Promise<CalendarData> {
  const regions = region && region !== NATIONAL_REGION ? [NATIONAL_REGION, region] : [NATIONAL_REGION];
  const { fromYear } = opts;
  const [years, days] = await Promise.all([
    db
      .select()
      .from(calendarYears)
      .where(
        and(
          eq(calendarYears.region, NATIONAL_REGION),
          fromYear === undefined ? undefined : gte(calendarYears.year, fromYear),
        ),
      ),
    db
      .select()
      .from(calendarDays)
      .where(
        and(
          inArray(calendarDays.region, regions),
          fromYear === undefined ? undefined : gte(calendarDays.date, `${fromYear}-01-01`),
        ),
      )
      .orderBy(calendarDays.date),
  ]);
  const data: CalendarData = { years: {}, overlays: {} };
  for (const y of years) data.years[String(y.year)] = { holidays: [], workdays: [] };
  for (const d of days) {
    const target =
      d.region === NATIONAL_REGION
        ? data.years[d.date.slice(0, 4)]
        : (data.overlays![d.region] ??= { holidays: [], workdays: [] });
    if (!target) continue;
    (d.kind === 'holiday' ? target.holidays : target.workdays).push({ date: d.date, name: d.name });
  }
  return data;
}
