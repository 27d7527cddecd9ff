import { sql } from 'drizzle-orm';
import { check, date, index, integer, pgEnum, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/** Region code of the national calendar; any other region code is an overlay on top of it. */
export const NATIONAL_REGION = 'CN';

/** What a calendar row says about its date: a day off (holiday) or a working day (e.g. 调休 Saturday). */
export const CALENDAR_DAY_KINDS = ['holiday', 'workday'] as const;
/** One of {@link CALENDAR_DAY_KINDS}. */
export type CalendarDayKind = (typeof CALENDAR_DAY_KINDS)[number];

/** Where calendar data came from: the seeded `chinese-days` package or an administrator's edit. */
export const CALENDAR_SOURCES = ['seed:chinese-days', 'admin'] as const;
/** One of {@link CALENDAR_SOURCES}. */
export type CalendarSource = (typeof CALENDAR_SOURCES)[number];

/** Coverage status of a calendar year. */
export const CALENDAR_YEAR_STATUSES = ['complete'] as const;
/** One of {@link CALENDAR_YEAR_STATUSES}. */
export type CalendarYearStatus = (typeof CALENDAR_YEAR_STATUSES)[number];

export const calendarDayKindEnum = pgEnum('calendar_day_kind', CALENDAR_DAY_KINDS);
export const calendarSourceEnum = pgEnum('calendar_source', CALENDAR_SOURCES);
export const calendarYearStatusEnum = pgEnum('calendar_year_status', CALENDAR_YEAR_STATUSES);

/**
 * Exceptions to the Mon–Fri week, per region and date: statutory holidays falling on any day and
 * make-up working days (调休) falling on weekends. A date without a row is an ordinary day of the week.
 * Rows of region {@link NATIONAL_REGION} apply everywhere; a regional row (e.g. an ethnic-minority
 * region's extra holiday) overrides the national row for the same date in that region.
 */
export const calendarDays = pgTable(
  'calendar_days',
  {
    region: text('region').notNull().default(NATIONAL_REGION),
    date: date('date', { mode: 'string' }).notNull(),
    kind: calendarDayKindEnum('kind').notNull(),
    name: text('name').notNull(),
    source: calendarSourceEnum('source').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [primaryKey({ name: 'calendar_days_pkey', columns: [t.region, t.date] })],
);

/**
 * Which (region, year) pairs have calendar data. A year without a row for the national region has NO
 * calendar data: deadline arithmetic in it must refuse or flag a warning, never assume Mon–Fri.
 */
export const calendarYears = pgTable(
  'calendar_years',
  {
    region: text('region').notNull().default(NATIONAL_REGION),
    year: integer('year').notNull(),
    status: calendarYearStatusEnum('status').notNull().default('complete'),
    source: calendarSourceEnum('source').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true })
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    primaryKey({ name: 'calendar_years_pkey', columns: [t.region, t.year] }),
    check('calendar_years_year_range', sql`${t.year} between 1949 and 2200`),
  ],
);

/** Row of {@link calendarDays} as read. */
export type CalendarDay = typeof calendarDays.$inferSelect;
/** Row of {@link calendarDays} as inserted. */
export type NewCalendarDay = typeof calendarDays.$inferInsert;
/** Row of {@link calendarYears} as read. */
export type CalendarYear = typeof calendarYears.$inferSelect;
/** Row of {@link calendarYears} as inserted. */
export type NewCalendarYear = typeof calendarYears.$inferInsert;

/**
 * Where a calendar change's recompute stands: `pending` until the fan-out workflow claims it,
 * `running` while a walk over the live cases covers it, `done` once every live case was told.
 */
export const CALENDAR_RECOMPUTE_STATUSES = ['pending', 'running', 'done'] as const;
/** One of {@link CALENDAR_RECOMPUTE_STATUSES}. */
export type CalendarRecomputeStatus = (typeof CALENDAR_RECOMPUTE_STATUSES)[number];

/**
 * One row per calendar change: the progress of telling every live case to recompute its deadlines
 * (workflows/calendar-recompute). Written in the change's own transaction, then only by the
 * fan-out's activities. Changes that arrive while a walk runs are coalesced into one new walk from
 * the beginning, which then carries every row it covers (`walkId`).
 */
export const calendarRecomputes = pgTable(
  'calendar_recomputes',
  {
    id: text('id').primaryKey(),
    /** The audited calendar action behind it, e.g. `calendar.day.put`. */
    action: text('action').notNull(),
    region: text('region').notNull(),
    requestedBy: text('requested_by').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    status: text('status').$type<CalendarRecomputeStatus>().notNull().default('pending'),
    /** The walk that covers the change now; a later change restarts the walk under a new id. */
    walkId: text('walk_id'),
    /** How many walks have covered it (more than one when later changes restarted the walk). */
    walks: integer('walks').notNull().default(0),
    /** Live cases when the current walk began. */
    total: integer('total'),
    /** Live cases told to recompute in the current walk. */
    done: integer('done').notNull().default(0),
    /** Cases that ended before they were told: nothing left to recompute. */
    closed: integer('closed').notNull().default(0),
    /** Signals that failed and were retried (each walk's failures add up). */
    failures: integer('failures').notNull().default(0),
    lastError: text('last_error'),
    /** The last case id of the current walk that was told (keyset pagination on case id). */
    cursor: text('cursor'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    index('calendar_recomputes_open_idx')
      .on(t.status)
      .where(sql`${t.status} <> 'done'`),
    index('calendar_recomputes_walk_idx').on(t.walkId),
  ],
);

/** Row of {@link calendarRecomputes} as read. */
export type CalendarRecompute = typeof calendarRecomputes.$inferSelect;
