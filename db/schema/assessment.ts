import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { IndicatorLine, MetricValues, SchemeDefinition, SideLine } from '../../domain/assessment';
import type { AssessmentPhase } from '../../workflows/assessment/definitions';

/*
 * Two-way assessment (双向考核, DOMAIN §7): versioned indicator schemes (configuration) and the read
 * model of each cycle — written only by activities, idempotently on the workflow's sequence.
 */

/** An indicator scheme; its content lives in immutable versions, `currentVersion` is what new cycles use. */
export const assessmentSchemes = pgTable('assessment_schemes', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  currentVersion: integer('current_version').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** One immutable version of a scheme (indicators, formulas, weights, bands, windows). */
export const assessmentSchemeVersions = pgTable(
  'assessment_scheme_versions',
  {
    schemeCode: text('scheme_code')
      .notNull()
      .references(() => assessmentSchemes.code, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<SchemeDefinition>().notNull(),
    reason: text('reason'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.schemeCode, t.version] }),
    check('assessment_scheme_versions_version', sql`${t.version} >= 1`),
  ],
);

/**
 * One cycle per scheme and period (`2026-10`, `2026-Q4`, `2026`); `caseId` is its workflow id. The
 * row is created when the cycle is opened (by hand or by the schedule) and then projected by the
 * workflow; `projectedSeq` makes every projection idempotent.
 */
export const assessmentCycles = pgTable(
  'assessment_cycles',
  {
    caseId: text('case_id').primaryKey(),
    schemeCode: text('scheme_code')
      .notNull()
      .references(() => assessmentSchemes.code),
    schemeVersion: integer('scheme_version').notNull(),
    schemeName: text('scheme_name').notNull(),
    direction: text('direction').notNull(),
    period: text('period').notNull(),
    periodKey: text('period_key').notNull(),
    periodLabel: text('period_label').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    ownerUnitId: text('owner_unit_id').notNull(),
    phase: text('phase').$type<AssessmentPhase>().notNull(),
    openedBy: text('opened_by').notNull(),
    snapshotHash: text('snapshot_hash'),
    snapshotAt: timestamp('snapshot_at', { withTimezone: true }),
    scoringDeadline: timestamp('scoring_deadline', { withTimezone: true }),
    computedAt: timestamp('computed_at', { withTimezone: true }),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    appealDeadline: timestamp('appeal_deadline', { withTimezone: true }),
    finalAt: timestamp('final_at', { withTimezone: true }),
    projectedSeq: integer('projected_seq').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('assessment_cycles_scheme_period_key').on(t.schemeCode, t.periodKey),
    index('assessment_cycles_phase_idx').on(t.phase, t.createdAt),
  ],
);

/** Who is assessed in a cycle, and by which rater units per side: frozen when the cycle opens. */
export const assessmentRatees = pgTable(
  'assessment_ratees',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId, { onDelete: 'cascade' }),
    rateeKey: text('ratee_key').notNull(),
    rateeType: text('ratee_type').$type<'unit' | 'user'>().notNull(),
    rateeId: text('ratee_id').notNull(),
    name: text('name').notNull(),
    /** The ratee unit, or a user ratee's own unit (its metrics are counted there). */
    unitId: text('unit_id').notNull(),
    unitPath: text('unit_path').notNull(),
    raters: jsonb('raters').$type<Record<string, string[]>>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.rateeKey] }),
    index('assessment_ratees_ratee_idx').on(t.rateeKey),
    index('assessment_ratees_unit_idx').on(t.unitId),
  ],
);

/**
 * The frozen snapshot of the automatic indicators' data: per ratee, every metric's value and the
 * cases it counted. Written once per cycle (a retried snapshot finds it and returns it unchanged).
 */
export const assessmentSnapshots = pgTable(
  'assessment_snapshots',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId, { onDelete: 'cascade' }),
    rateeKey: text('ratee_key').notNull(),
    metrics: jsonb('metrics').$type<MetricValues>().notNull(),
    sources: jsonb('sources').$type<Record<string, string[]>>().notNull(),
    takenAt: timestamp('taken_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.rateeKey] })],
);

/** One rater unit's score of one manual indicator for one ratee (the latest one it gave). */
export const assessmentScores = pgTable(
  'assessment_scores',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId, { onDelete: 'cascade' }),
    rateeKey: text('ratee_key').notNull(),
    indicatorCode: text('indicator_code').notNull(),
    raterUnitId: text('rater_unit_id').notNull(),
    score: doublePrecision('score').notNull(),
    comment: text('comment'),
    userId: text('user_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.rateeKey, t.indicatorCode, t.raterUnitId] }),
    index('assessment_scores_rater_idx').on(t.raterUnitId),
  ],
);

/** A ratee's computed result with its full breakdown; `final` once the cycle is final (then never changed). */
export const assessmentResults = pgTable(
  'assessment_results',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId, { onDelete: 'cascade' }),
    rateeKey: text('ratee_key').notNull(),
    total: doublePrecision('total').notNull(),
    grade: text('grade').notNull(),
    gradeLabel: text('grade_label').notNull(),
    rank: integer('rank').notNull(),
    outcome: text('outcome'),
    payGrade: text('pay_grade'),
    sides: jsonb('sides').$type<SideLine[]>().notNull(),
    indicators: jsonb('indicators').$type<IndicatorLine[]>().notNull(),
    explanation: text('explanation').notNull(),
    rectificationCaseId: text('rectification_case_id'),
    final: boolean('final').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.rateeKey] }), index('assessment_results_ratee_idx').on(t.rateeKey)],
);

/** Appeals (申诉) of a ratee and the assessor's decision. */
export const assessmentAppeals = pgTable(
  'assessment_appeals',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => assessmentCycles.caseId, { onDelete: 'cascade' }),
    appealId: text('appeal_id').notNull(),
    rateeKey: text('ratee_key').notNull(),
    indicatorCode: text('indicator_code'),
    reason: text('reason').notNull(),
    filedBy: text('filed_by').notNull(),
    filedAt: timestamp('filed_at', { withTimezone: true }).notNull(),
    status: text('status').$type<'pending' | 'adjusted' | 'rejected'>().notNull(),
    decisionReason: text('decision_reason'),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    before: jsonb('before').$type<{ total: number; grade: string } | null>(),
    after: jsonb('after').$type<{ total: number; grade: string } | null>(),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.appealId] }),
    check('assessment_appeals_status', sql`${t.status} in ('pending', 'adjusted', 'rejected')`),
  ],
);
