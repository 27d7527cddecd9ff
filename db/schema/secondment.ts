import { sql } from 'drizzle-orm';
import {
  check,
  date,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { SecondmentEffect, SecondmentStatus } from '../../domain/secondment';
import { assessmentCycles } from './assessment';
import { orgUnits, roleEnum, users } from './org';

/*
 * Seconded staff (选派人员, DOMAIN §7) and what their yearly assessment did to them, and the grid
 * workers' monthly pay grades as payroll reads them. Outcome and pay-grade rows are written by the
 * assessment activities when a cycle becomes final, idempotently on (cycle, person).
 */

/**
 * A person's secondment to a township or village. The original unit is either in the org tree
 * (`originUnitId`, with the role the person held there, so a return can restore both) or outside
 * the system (`originUnitName` only). At most one active secondment per person.
 */
export const secondments = pgTable(
  'secondments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    originUnitId: text('origin_unit_id').references(() => orgUnits.id),
    originUnitName: text('origin_unit_name'),
    originRole: roleEnum('origin_role'),
    hostUnitId: text('host_unit_id')
      .notNull()
      .references(() => orgUnits.id),
    startDate: date('start_date', { mode: 'string' }).notNull(),
    plannedEndDate: date('planned_end_date', { mode: 'string' }).notNull(),
    status: text('status').$type<SecondmentStatus>().notNull().default('active'),
    endDate: date('end_date', { mode: 'string' }),
    endReason: text('end_reason'),
    endedBy: text('ended_by'),
    /** The assessment cycle whose outcome ended it (returned), if any. */
    endCycleId: text('end_cycle_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('secondments_user_idx').on(t.userId),
    index('secondments_host_idx').on(t.hostUnitId),
    uniqueIndex('secondments_one_active_key')
      .on(t.userId)
      .where(sql`${t.status} = 'active'`),
    check('secondments_status', sql`${t.status} in ('active', 'ended', 'returned', 'converted')`),
    check('secondments_origin_one', sql`num_nonnulls(${t.originUnitId}, ${t.originUnitName}) = 1`),
    check('secondments_origin_role', sql`(${t.originUnitId} is null) = (${t.originRole} is null)`),
    check('secondments_dates', sql`${t.plannedEndDate} >= ${t.startDate}`),
    check('secondments_ended', sql`(${t.status} = 'active') = (${t.endDate} is null)`),
  ],
);

/** What was done to the person: their account before, and after (unit, role, active). */
export interface OutcomeChange {
  before: { unitId: string; role: string; active: boolean };
  after: { unitId: string; role: string; active: boolean };
  /** Units the person led and no longer leads. */
  leaderOf: string[];
}

/**
 * The audited effect of a final seconded-staff cycle on one person: converted (a task for the
 * organisation department), returned (with the bar, until one year after the decision), or
 * continued. One row per cycle and person.
 */
export const secondmentOutcomes = pgTable(
  'secondment_outcomes',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    secondmentId: uuid('secondment_id').references(() => secondments.id),
    effect: text('effect').$type<SecondmentEffect>().notNull(),
    total: doublePrecision('total').notNull(),
    grade: text('grade').notNull(),
    gradeLabel: text('grade_label').notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }).notNull(),
    /** Returned: may not be seconded again before this day. */
    barUntil: date('bar_until', { mode: 'string' }),
    /** The conversion or handover task of the organisation department. */
    taskCaseId: text('task_case_id'),
    note: text('note').notNull(),
    change: jsonb('change').$type<OutcomeChange | null>(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.userId] }),
    index('secondment_outcomes_user_idx').on(t.userId, t.barUntil),
    check('secondment_outcomes_effect', sql`${t.effect} in ('convert', 'return', 'continue')`),
    check('secondment_outcomes_bar', sql`(${t.effect} = 'return') = (${t.barUntil} is not null)`),
  ],
);

/** A grid worker's pay grade (绩效档次) for one month, from a final grid-worker cycle: what payroll exports read. */
export const gridPayGrades = pgTable(
  'grid_pay_grades',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId),
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    periodKey: text('period_key').notNull(),
    townshipId: text('township_id').notNull(),
    unitId: text('unit_id').notNull(),
    username: text('username').notNull(),
    name: text('name').notNull(),
    total: doublePrecision('total').notNull(),
    grade: text('grade').notNull(),
    gradeLabel: text('grade_label').notNull(),
    payGrade: text('pay_grade').notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.userId] }),
    index('grid_pay_grades_township_idx').on(t.townshipId, t.periodKey),
  ],
);
