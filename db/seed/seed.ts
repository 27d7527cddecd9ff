import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import {
  calendarDays,
  calendarYears,
  NATIONAL_REGION,
  type CalendarSource,
  type NewCalendarDay,
  type NewCalendarYear,
} from '../schema/calendar';
import { orgUnits, powerListItems, users, type NewOrgUnit } from '../schema/org';
import type { CalendarData } from '../../domain/calendar';
import { chineseDaysCalendarData } from '../../domain/calendar-data';
import { seedCatalogue } from './catalogue';
import { seedAssessmentSchemes, seedSecondments } from './assessment';
import { seedIncidentConfig } from './incident';
import { seedSummonsConfig } from './summons';
import { DEMO_POWER_LISTS, DEMO_UNIT_LEADERS, DEMO_UNITS, DEMO_USERS } from './demo-county';

/** Rows for {@link calendarDays} and {@link calendarYears} from calendar data. */
export function calendarRows(
  data: CalendarData,
  options: { region?: string; source?: CalendarSource } = {},
): { days: NewCalendarDay[]; years: NewCalendarYear[] } {
  const region = options.region ?? NATIONAL_REGION;
  const source = options.source ?? 'seed:chinese-days';
  const days: NewCalendarDay[] = [];
  const years: NewCalendarYear[] = [];
  for (const [yearKey, year] of Object.entries(data.years)) {
    years.push({ region, year: Number(yearKey), status: 'complete', source });
    for (const h of year.holidays) days.push({ region, date: h.date, kind: 'holiday', name: h.name, source });
    for (const w of year.workdays) days.push({ region, date: w.date, kind: 'workday', name: w.name, source });
  }
  return { days, years };
}

/** Rows per insert statement, well under PostgreSQL's 65,535 bind parameters. */
const BATCH = 500;

function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

/**
 * Seed the demo county (org tree, users, unit leaders, power lists, the matter catalogue's templates)
 * and the national holiday calendar (by default from the `chinese-days` package, for the years it
 * really covers).
 * Idempotent and safe on every start: rows that already exist are left untouched (never overwriting an
 * administrator's edits), and a unit's leader is only set when the unit itself is inserted by this run.
 * Runs in one transaction. Returns how many rows of each kind this run inserted.
 */
export async function seedDemoCounty<TSchema extends Record<string, unknown>>(
  db: NodePgDatabase<TSchema>,
  opts: { calendar?: CalendarData } = {},
): Promise<{ inserted: Record<string, number> }> {
  return db.transaction(async (tx) => {
    const inserted = {
      orgUnits: 0,
      users: 0,
      unitLeaders: 0,
      powerListItems: 0,
      calendarDays: 0,
      calendarYears: 0,
      matters: 0,
      incidentConfig: 0,
      assessmentSchemes: 0,
      secondments: 0,
      summonsConfig: 0,
    };

    // Parents before children: each tree level is inserted after the one above it.
    const byLevel = new Map<number, NewOrgUnit[]>();
    for (const u of DEMO_UNITS) byLevel.set(u.level, [...(byLevel.get(u.level) ?? []), u]);
    const newUnitIds = new Set<string>();
    for (const level of [...byLevel.keys()].sort((a, b) => a - b)) {
      const rows = await tx
        .insert(orgUnits)
        .values(byLevel.get(level) ?? [])
        .onConflictDoNothing()
        .returning({ id: orgUnits.id });
      for (const r of rows) newUnitIds.add(r.id);
    }
    inserted.orgUnits = newUnitIds.size;

    for (const batch of chunks(DEMO_USERS)) {
      const rows = await tx.insert(users).values(batch).onConflictDoNothing().returning({ id: users.id });
      inserted.users += rows.length;
    }

    const leaders = DEMO_UNIT_LEADERS.filter((l) => newUnitIds.has(l.unitId));
    const leaderUserIds = leaders.map((l) => l.userId);
    const existingLeaders = new Set(
      leaderUserIds.length === 0
        ? []
        : (await tx.select({ id: users.id }).from(users).where(inArray(users.id, leaderUserIds))).map((r) => r.id),
    );
    for (const l of leaders) {
      if (!existingLeaders.has(l.userId)) continue;
      const rows = await tx
        .update(orgUnits)
        .set({ leaderUserId: l.userId })
        .where(and(eq(orgUnits.id, l.unitId), isNull(orgUnits.leaderUserId)))
        .returning({ id: orgUnits.id });
      inserted.unitLeaders += rows.length;
    }

    for (const batch of chunks(DEMO_POWER_LISTS)) {
      const rows = await tx
        .insert(powerListItems)
        .values(batch)
        .onConflictDoNothing()
        .returning({ id: powerListItems.id });
      inserted.powerListItems += rows.length;
    }

    Object.assign(inserted, await seedNationalCalendar(tx, opts.calendar));
    inserted.matters = await seedCatalogue(tx);
    inserted.incidentConfig = await seedIncidentConfig(tx);
    inserted.assessmentSchemes = await seedAssessmentSchemes(tx);
    inserted.secondments = await seedSecondments(tx);
    inserted.summonsConfig = await seedSummonsConfig(tx);

    return { inserted };
  });
}

/**
 * Insert the national holiday calendar (by default the `chinese-days` years) without touching rows
 * that exist, so an administrator's corrections survive. Production runs this on every worker start.
 */
export async function seedNationalCalendar<TSchema extends Record<string, unknown>>(
  db: Pick<NodePgDatabase<TSchema>, 'insert'>,
  data: CalendarData = chineseDaysCalendarData(),
): Promise<{ calendarDays: number; calendarYears: number }> {
  const { days, years } = calendarRows(data);
  const inserted = { calendarDays: 0, calendarYears: 0 };
  for (const batch of chunks(days)) {
    inserted.calendarDays += (
      await db.insert(calendarDays).values(batch).onConflictDoNothing().returning({ date: calendarDays.date })
    ).length;
  }
  for (const batch of chunks(years)) {
    inserted.calendarYears += (
      await db.insert(calendarYears).values(batch).onConflictDoNothing().returning({ year: calendarYears.year })
    ).length;
  }
  return inserted;
}
