import type { Request, Response } from 'express';
import type { Tx } from '../../../db';
import { casesDependingOnYear } from '../../../db/calendar-recomputes';
import { coverageOf, findDay, overlaysInYear, yearDays } from '../../../db/calendar';
import { NATIONAL_REGION, type CalendarDay as CalendarRow } from '../../../db/schema/calendar';
import { dayStartMs, formatShanghai, localDateOf, localDayIndex, weekdayOf } from '../../../domain/time';
import { auditedWrite, conflict } from '../../admin';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import type { z } from '../../zod';
import { acceptedRecompute, queueRecompute, startRecompute } from '../calendar-recomputes';
import { AUDIT_STREAM, WEEKDAY_ZH, type recomputing, type dayChangeSchema } from './schemas';
import { requireNationalYear, requireRegion, calendarFor, dayView } from './views';

/**
 * An audited calendar write ({@link auditedWrite}) that also records the change's recompute, in the
 * same transaction; then the fan-out is started and the request answers 202 with its `Location`.
 */
export async function calendarWrite<T>(
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

export const entryOf = (r: CalendarRow) => ({ date: r.date, name: r.name });

export const rowOf = (r: CalendarRow | undefined) => (r ? { kind: r.kind, name: r.name, source: r.source } : null);

/** One day's row as audited. */
export const auditedDay = (r: CalendarRow | undefined) =>
  r ? { region: r.region, date: r.date, kind: r.kind, name: r.name, source: r.source } : null;

/** A region's whole year as audited: coverage plus every entry. */
export async function yearSnapshot(tx: Tx, region: string, year: number) {
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
export async function nationalHolidaysIn(tx: Tx, region: string, year: number): Promise<Set<string>> {
  if (region === NATIONAL_REGION) return new Set();
  return new Set((await yearDays(tx, NATIONAL_REGION, year)).filter((r) => r.kind === 'holiday').map((r) => r.date));
}

/**
 * A single-day correction of a region's calendar in a year that has national data: `write` gets
 * the day's current row and returns the new one (undefined once deleted). Answers with the day as
 * the region's calendar now sees it.
 */
export async function dayWrite(
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

export const yearOfDate = (date: string) => Number(date.slice(0, 4));

/**
 * A year may not be deleted while live deadlines depend on it, nor national data while a regional
 * overlay sits on it. An overlay's year is checked against every live case, not only the region's.
 */
export async function refuseYearInUse(tx: Tx, region: string, year: number): Promise<void> {
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
export function localText(ms: number): string {
  const local = formatShanghai(ms);
  const midnight = ms === dayStartMs(localDayIndex(ms));
  const day = midnight ? localDayIndex(ms) - 1 : localDayIndex(ms);
  return `${localDateOf(day)} ${midnight ? '24:00' : local.slice(11, 16)} ${WEEKDAY_ZH[weekdayOf(day)]}`;
}
