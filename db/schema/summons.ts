import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import type { SummonsRuleCondition, SummonsSettings } from '../../domain/summons';
import { cases } from './cases';
import { orgUnits } from './org';

/*
 * "Whistle and report" summons (街乡吹哨、部门报到, DOMAIN §6): the whistle rules (configuration),
 * and the facts behind statistics and the township-on-department assessment — one row per whistle,
 * one row per department (or dispatched agency) per whistle, with its misses and disputes. Facts
 * are written only by activities, idempotently on the workflow's sequence.
 */

/**
 * Whistle rules: allowed reasons (a whistle names one; its condition must hold) and forbidden
 * situations (a whistle matching one is refused, naming it). Seeded with the DOMAIN defaults.
 */
export const summonsRules = pgTable(
  'summons_rules',
  {
    code: text('code').primaryKey(),
    kind: text('kind').$type<'allowed' | 'forbidden'>().notNull(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    condition: jsonb('condition').$type<SummonsRuleCondition>().notNull(),
    active: boolean('active').notNull().default(true),
    sort: integer('sort').notNull().default(0),
  },
  (t) => [check('summons_rules_kind', sql`${t.kind} in ('allowed', 'forbidden')`)],
);

/** Response (报到) and handling limits, misses before a red card: one settings document per key (`default`). */
export const summonsSettings = pgTable('summons_settings', {
  key: text('key').primaryKey(),
  settings: jsonb('settings').$type<SummonsSettings>().notNull(),
});

/** One row per whistle (吹哨) that became a case: awaiting the leader, rejected, summoning or closed. */
export const summonsFacts = pgTable(
  'summons_facts',
  {
    caseId: text('case_id')
      .primaryKey()
      .references(() => cases.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    townshipId: text('township_id')
      .notNull()
      .references(() => orgUnits.id),
    /** Materialised path of the township: scopes statistics to a subtree. */
    townshipPath: text('township_path').notNull(),
    /** The L3 incident the whistle was raised from, if any. */
    incidentId: text('incident_id'),
    reasonCode: text('reason_code').notNull(),
    urgencyCode: text('urgency_code').notNull(),
    complexity: text('complexity').notNull(),
    status: text('status').notNull(),
    unitCount: integer('unit_count').notNull(),
    whistledBy: text('whistled_by').notNull(),
    whistledAt: timestamp('whistled_at', { withTimezone: true }).notNull(),
    approvedBy: text('approved_by'),
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    rejectedBy: text('rejected_by'),
    rejectedAt: timestamp('rejected_at', { withTimezone: true }),
    rejectedReason: text('rejected_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    index('summons_facts_township_idx').on(t.townshipId, t.whistledAt),
    index('summons_facts_path_idx').using('btree', t.townshipPath.op('text_pattern_ops')),
  ],
);

/**
 * A whistle refused by a rule before it became a case (kept for the township's statistics; the
 * refused request itself changed nothing).
 */
export const summonsRefusals = pgTable(
  'summons_refusals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    townshipId: text('township_id')
      .notNull()
      .references(() => orgUnits.id),
    incidentId: text('incident_id'),
    ruleCode: text('rule_code').notNull(),
    reasonCode: text('reason_code').notNull(),
    userId: text('user_id').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
  },
  (t) => [index('summons_refusals_township_idx').on(t.townshipId, t.at)],
);

/**
 * One row per summoned department or dispatched agency per whistle (the child workflow's case):
 * every timestamp, deadline and on-time flag, the red card, the disputed time and the rating.
 * `ackOnTime` / `resultOnTime` are null while still open in time, false once the deadline was
 * missed (or met late), true when met in time.
 */
export const summonsDepartments = pgTable(
  'summons_departments',
  {
    caseId: text('case_id')
      .primaryKey()
      .references(() => cases.id, { onDelete: 'cascade' }),
    summonsId: text('summons_id').notNull(),
    seq: integer('seq').notNull(),
    unitId: text('unit_id')
      .notNull()
      .references(() => orgUnits.id),
    /** `department` or `agency` (派驻机构). */
    unitKind: text('unit_kind').notNull(),
    /** The owning county department of an agency; the unit itself for a department. */
    departmentId: text('department_id').notNull(),
    townshipId: text('township_id').notNull(),
    townshipPath: text('township_path').notNull(),
    /** The part this one replaces after the county upheld a dispute (re-summons). */
    replacesCaseId: text('replaces_case_id'),
    status: text('status').notNull(),
    /** How the part ended: completed (accepted), released (dispute upheld), withdrawn; null while open. */
    outcome: text('outcome'),
    urgencyCode: text('urgency_code').notNull(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }).notNull(),
    ackDeadline: timestamp('ack_deadline', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    ackOnTime: boolean('ack_on_time'),
    onSiteAt: timestamp('on_site_at', { withTimezone: true }),
    resultDeadline: timestamp('result_deadline', { withTimezone: true }),
    resultReportedAt: timestamp('result_reported_at', { withTimezone: true }),
    resultOnTime: boolean('result_on_time'),
    sendBacks: integer('send_backs').notNull().default(0),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    missCount: integer('miss_count').notNull().default(0),
    redCard: boolean('red_card').notNull().default(false),
    redCardAt: timestamp('red_card_at', { withTimezone: true }),
    disputeCount: integer('dispute_count').notNull().default(0),
    /** Total time spent in dispute (from the dispute to the county's ruling, or to now while open). */
    disputedMs: bigint('disputed_ms', { mode: 'number' }).notNull().default(0),
    rating: text('rating').$type<'satisfied' | 'basic' | 'unsatisfied'>(),
    ratingComment: text('rating_comment'),
    ratedBy: text('rated_by'),
    ratedAt: timestamp('rated_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    index('summons_departments_summons_idx').on(t.summonsId),
    index('summons_departments_unit_idx').on(t.unitId, t.notifiedAt),
    index('summons_departments_department_idx').on(t.departmentId, t.notifiedAt),
    index('summons_departments_township_idx').on(t.townshipId, t.notifiedAt),
  ],
);

/** Every missed deadline of a summoned unit, numbered per part: the first raises 督办, the second a red card. */
export const summonsMisses = pgTable(
  'summons_misses',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => summonsDepartments.caseId, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    /** `acknowledge` (报到) or `result` (结果反馈). */
    kind: text('kind').$type<'acknowledge' | 'result'>().notNull(),
    unitId: text('unit_id').notNull(),
    deadline: timestamp('deadline', { withTimezone: true }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    redCard: boolean('red_card').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.ordinal] }), index('summons_misses_unit_idx').on(t.unitId, t.at)],
);

/** Disputes ("not our duty") of a summoned unit and the county command centre's ruling. */
export const summonsDisputes = pgTable(
  'summons_disputes',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => summonsDepartments.caseId, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    unitId: text('unit_id').notNull(),
    reason: text('reason').notNull(),
    raisedBy: text('raised_by').notNull(),
    raisedAt: timestamp('raised_at', { withTimezone: true }).notNull(),
    /** `upheld` (not their duty: the part ends) or `rejected` (back to work); null while pending. */
    ruling: text('ruling').$type<'upheld' | 'rejected'>(),
    ruledBy: text('ruled_by'),
    ruledAt: timestamp('ruled_at', { withTimezone: true }),
    ruleNote: text('rule_note'),
    /** The unit the county re-summoned in its place, when it did. */
    resummonedUnitId: text('resummoned_unit_id'),
    /** Time in dispute: raised → ruled (null while pending). */
    disputedMs: bigint('disputed_ms', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.ordinal] }), index('summons_disputes_unit_idx').on(t.unitId, t.raisedAt)],
);

export type SummonsDepartmentRow = typeof summonsDepartments.$inferSelect;
