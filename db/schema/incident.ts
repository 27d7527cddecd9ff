import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Duration } from '../../domain/calendar';
import type { IncidentLimit, IncidentSettings } from '../../domain/incident';
import { cases } from './cases';
import { orgUnits } from './org';

/*
 * Incident configuration (DOMAIN §5, 12345 part of §6) and the incident facts behind the statistics.
 * Every configuration row is seeded with the DOMAIN defaults and edited through the admin API.
 */

/** Event categories (党的建设, 行政执法, 安全生产 …). */
export const incidentCategories = pgTable('incident_categories', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  active: boolean('active').notNull().default(true),
  sort: integer('sort').notNull().default(0),
});

/** Urgency levels (一般, 紧急, 特急); `mayJump` lets a manual escalation skip to L3/L4. */
export const incidentUrgencies = pgTable('incident_urgencies', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  mayJump: boolean('may_jump').notNull().default(false),
  sort: integer('sort').notNull().default(0),
});

/** The time limit of each level for a category × urgency; a new event freezes the limits it starts with. */
export const incidentTimeLimits = pgTable(
  'incident_time_limits',
  {
    categoryCode: text('category_code')
      .notNull()
      .references(() => incidentCategories.code, { onDelete: 'cascade' }),
    urgencyCode: text('urgency_code')
      .notNull()
      .references(() => incidentUrgencies.code, { onDelete: 'cascade' }),
    level: integer('level').notNull(),
    limit: jsonb('limit').$type<IncidentLimit>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.categoryCode, t.urgencyCode, t.level] }),
    check('incident_time_limits_level', sql`${t.level} between 1 and 4`),
  ],
);

/**
 * Routing rules: category → handling unit per level. `mode` `ancestor` = the reporting grid's own
 * unit at that level; `agency` = the township's dispatched agency whose id ends in `.<target>`
 * (L3); `unit` = the fixed unit `target` (L4: a county department).
 */
export const incidentRoutingRules = pgTable(
  'incident_routing_rules',
  {
    categoryCode: text('category_code')
      .notNull()
      .references(() => incidentCategories.code, { onDelete: 'cascade' }),
    level: integer('level').notNull(),
    mode: text('mode').$type<'ancestor' | 'agency' | 'unit'>().notNull(),
    target: text('target'),
  },
  (t) => [
    primaryKey({ columns: [t.categoryCode, t.level] }),
    check('incident_routing_rules_level', sql`${t.level} between 1 and 4`),
    check('incident_routing_rules_mode', sql`${t.mode} in ('ancestor', 'agency', 'unit')`),
    check('incident_routing_rules_target', sql`(${t.mode} = 'ancestor') = (${t.target} is null)`),
    check('incident_routing_rules_l4_unit', sql`${t.level} < 4 or ${t.mode} = 'unit'`),
  ],
);

/** 12345 order types (接诉即办) with their deadline. */
export const hotlineOrderTypes = pgTable('hotline_order_types', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  limit: jsonb('limit').$type<Duration>().notNull(),
  active: boolean('active').notNull().default(true),
});

/** Verification, callback and 三率 rules: one settings document per key (`default`). */
export const incidentSettings = pgTable('incident_settings', {
  key: text('key').primaryKey(),
  settings: jsonb('settings').$type<IncidentSettings>().notNull(),
});

/**
 * One row per incident with the facts the statistics count, written by an activity with every
 * transition (idempotent on `seq`). Plain columns rather than `cases.data` so the county's report
 * is a handful of indexed aggregates in PostgreSQL.
 */
export const incidentFacts = pgTable(
  'incident_facts',
  {
    caseId: text('case_id')
      .primaryKey()
      .references(() => cases.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    categoryCode: text('category_code').notNull(),
    urgencyCode: text('urgency_code').notNull(),
    source: text('source').notNull(),
    gridId: text('grid_id')
      .notNull()
      .references(() => orgUnits.id),
    /** Materialised path of the reporting grid: scopes statistics to a unit's territory. */
    gridPath: text('grid_path').notNull(),
    /** Every unit that held the event (for a department's own statistics). */
    unitIds: text('unit_ids').array().notNull(),
    status: text('status').notNull(),
    startLevel: integer('start_level').notNull(),
    currentLevel: integer('current_level').notNull(),
    /** Level where it was (last) resolved; null while unresolved. */
    finalLevel: integer('final_level'),
    escalations: integer('escalations').notNull().default(0),
    autoEscalations: integer('auto_escalations').notNull().default(0),
    lateUnits: jsonb('late_units')
      .$type<{ level: number; unitId: string; deadline: string | null }[]>()
      .notNull()
      .default([]),
    reopens: integer('reopens').notNull().default(0),
    /** Resolved without any level limit (nor, for a 12345 order, the order deadline) expiring. */
    onTime: boolean('on_time'),
    redCard: boolean('red_card').notNull().default(false),
    satisfaction: text('satisfaction'),
    reportedAt: timestamp('reported_at', { withTimezone: true }).notNull(),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    hotlineType: text('hotline_type'),
    /** 12345: the first receiver signed for the order before its deadline (响应). */
    hotlineResponded: boolean('hotline_responded'),
    /** 12345: the requester said at callback that the problem is solved (解决). */
    hotlineResolved: boolean('hotline_resolved'),
  },
  (t) => [
    index('incident_facts_reported_idx').on(t.reportedAt),
    index('incident_facts_grid_path_idx').using('btree', t.gridPath.op('text_pattern_ops')),
    index('incident_facts_unit_ids_idx').using('gin', t.unitIds),
  ],
);

export type IncidentFacts = typeof incidentFacts.$inferInsert;
