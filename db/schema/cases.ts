import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { CLOCK_LEVELS, PROCESS_TYPES, type ClockKind, type NoticeKind } from '../../domain/vocabulary';

export const processType = pgEnum('process_type', PROCESS_TYPES);
export const clockLevel = pgEnum('clock_level', CLOCK_LEVELS);

/**
 * The case envelope: one row per case of any process, written only by activities. `projectedSeq`
 * is the workflow's own event sequence; a projection with a lower sequence is ignored, which makes
 * every write idempotent under activity retries.
 */
export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    process: processType('process').notNull(),
    title: text('title').notNull(),
    status: text('status').notNull(),
    currentStep: text('current_step'),
    level: integer('level'),
    unitId: text('unit_id').notNull(),
    ownerUnitId: text('owner_unit_id').notNull(),
    colour: clockLevel('colour').notNull().default('green'),
    /** The nearest deadline of any running clock (a step limit, a pre-check period, …): what is due next. */
    deadline: timestamp('deadline', { withTimezone: true }),
    /** The case's own deadline: an approval's promised limit (承诺期限, or its 特事特办 limit); null before acceptance. */
    caseDeadline: timestamp('case_deadline', { withTimezone: true }),
    /** The current step's limit (an approval step's 环节时限), when it has one. */
    stepDeadline: timestamp('step_deadline', { withTimezone: true }),
    clockKind: text('clock_kind').$type<ClockKind>().notNull().default('case'),
    calendarWarnings: jsonb('calendar_warnings').$type<string[]>().notNull().default([]),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    projectedSeq: integer('projected_seq').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /**
     * Whether a clock of the case is red now, and whether its incident facts say it was late
     * (`on_time = false`): kept by triggers on `case_clocks` and `incident_facts` (migration
     * board_days), never by the projection, so that the board's daily roll-ups can be kept from
     * this row alone.
     */
    redClock: boolean('red_clock').notNull().default(false),
    incidentLate: boolean('incident_late').notNull().default(false),
  },
  (t) => [
    index('cases_unit_idx').on(t.unitId, t.status),
    index('cases_owner_unit_idx').on(t.ownerUnitId),
    index('cases_process_status_idx').on(t.process, t.status, t.createdAt),
    index('cases_open_deadline_idx')
      .on(t.colour, t.deadline)
      .where(sql`${t.closedAt} is null`),
    // The board's overdue and near-deadline lists and the inbox: open cases in deadline order, read
    // until a page is full.
    index('cases_open_by_deadline_idx')
      .on(t.deadline, t.id)
      .where(sql`${t.closedAt} is null`),
    index('cases_created_idx').on(t.createdAt),
    // Lists of open work (the default of every inbox and board drill-down) newest first
    // (a backward scan serves `created_at desc, id desc`), without walking closed cases.
    index('cases_open_created_idx')
      .on(t.createdAt, t.id)
      .where(sql`${t.closedAt} is null`),
    // A unit's open cases newest first, and their capped count, without intersecting the unit's
    // closed cases with every open one (bench:read-model: count 18 ms → index range).
    index('cases_open_unit_created_idx')
      .on(t.unitId, t.createdAt, t.id)
      .where(sql`${t.closedAt} is null`),
    // Open cases of one process in one colour (the console's "red incidents"), newest first, and
    // their count: a sequential scan for the count met synchronized scans starting mid-table (p99 160 ms).
    index('cases_open_process_colour_idx')
      .on(t.process, t.colour, t.createdAt, t.id)
      .where(sql`${t.closedAt} is null`),
    // The calendar fan-out walks the open cases by id (keyset pagination), never the closed ones.
    index('cases_open_id_idx')
      .on(t.id)
      .where(sql`${t.closedAt} is null`),
  ],
);

/**
 * Open cases counted by what the SLA board groups them by (responsible and owner unit, process,
 * level, clock kind, colour), kept by a trigger on `cases` in the transaction of every projection
 * write (migration board_counters), so the board adds up a few hundred rows instead of every open
 * case. `n` may fall to 0; the board skips empty groups. Colours are as projected: the board still
 * counts an open case whose deadline has passed as red before its workflow has projected it.
 */
export const caseBoardCounts = pgTable(
  'case_board_counts',
  {
    unitId: text('unit_id').notNull(),
    ownerUnitId: text('owner_unit_id').notNull(),
    process: processType('process').notNull(),
    level: integer('level'),
    clockKind: text('clock_kind').$type<ClockKind>().notNull(),
    colour: clockLevel('colour').notNull(),
    n: integer('n').notNull(),
  },
  (t) => [
    unique('case_board_counts_key')
      .on(t.unitId, t.ownerUnitId, t.process, t.level, t.clockKind, t.colour)
      .nullsNotDistinct(),
  ],
);

/**
 * Cases by the Beijing-time day they were opened and what the SLA board filters them by
 * (responsible and owner unit, process, level): how many were opened, how many of them closed on
 * time, and how many are late (closed with a red clock or late incident facts, or open and red).
 * Kept like `case_board_counts`, by a trigger on `cases` in the transaction of every write to the
 * row (migration board_days), so the board's daily trend adds up a few rows per day instead of
 * walking every case of the period.
 */
export const caseBoardDays = pgTable(
  'case_board_days',
  {
    day: date('day', { mode: 'string' }).notNull(),
    unitId: text('unit_id').notNull(),
    ownerUnitId: text('owner_unit_id').notNull(),
    process: processType('process').notNull(),
    level: integer('level'),
    created: integer('created').notNull(),
    onTime: integer('on_time').notNull(),
    late: integer('late').notNull(),
  },
  (t) => [unique('case_board_days_key').on(t.day, t.unitId, t.ownerUnitId, t.process, t.level).nullsNotDistinct()],
);

/**
 * Who may act on a case now: a specific user, or any user with `role` in `unitId`. Replaced as a
 * whole on every projection, so the inbox is exactly the set of actions open now.
 */
export const caseAssignments = pgTable(
  'case_assignments',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    unitId: text('unit_id').notNull(),
    role: text('role').notNull(),
    userId: text('user_id').notNull().default(''),
    actions: jsonb('actions').$type<string[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.caseId, t.unitId, t.role, t.userId] }),
    index('case_assignments_unit_role_idx').on(t.unitId, t.role),
    index('case_assignments_user_idx').on(t.userId),
  ],
);

/** Every unit involved in a case (responsible, owner, summoned, …): the basis of read scope. */
export const caseUnits = pgTable(
  'case_units',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    unitId: text('unit_id').notNull(),
    relation: text('relation').notNull(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.unitId, t.relation] }), index('case_units_unit_idx').on(t.unitId)],
);

/** The projected SLA clocks of a case, one row per clock key (e.g. `case`, `step`, `dept:scjg`). */
export const caseClocks = pgTable(
  'case_clocks',
  {
    caseId: text('case_id')
      .notNull()
      .references(() => cases.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    label: text('label').notNull(),
    state: text('state').notNull(),
    level: clockLevel('level').notNull(),
    deadline: timestamp('deadline', { withTimezone: true }),
    budget: jsonb('budget').$type<{ unit: string; amount: number }>().notNull(),
    consumed: jsonb('consumed').$type<number>().notNull(),
    fallbackYears: jsonb('fallback_years').$type<number[]>().notNull().default([]),
    ledger: jsonb('ledger').$type<unknown[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.key] }), index('case_clocks_level_deadline_idx').on(t.level, t.deadline)],
);

/**
 * Append-only, hash-chained audit log. `streamId` is a case id, or `admin:<area>` for
 * configuration changes. A trigger (migration) refuses UPDATE and DELETE; the hash chain detects
 * anything done around it.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    streamId: text('stream_id').notNull(),
    seq: integer('seq').notNull(),
    actorId: text('actor_id').notNull(),
    actorUnitId: text('actor_unit_id'),
    actorRole: text('actor_role'),
    action: text('action').notNull(),
    reason: text('reason'),
    before: jsonb('before'),
    after: jsonb('after'),
    at: timestamp('at', { withTimezone: true }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
    /** HMAC of `hash` under the application's audit key (domain/audit-chain.ts); null on entries written before signing. */
    mac: text('mac'),
  },
  (t) => [uniqueIndex('audit_log_stream_seq_idx').on(t.streamId, t.seq)],
);

/** Per process and year counters behind case numbers (`SP-2026-000123`). */
export const caseNumberCounters = pgTable(
  'case_number_counters',
  {
    process: processType('process').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ columns: [t.process, t.year] })],
);

/**
 * Numbers an activity attempt allocated, kept under the attempt's identity (workflow id, run id,
 * activity id; the same for every retry of one scheduled activity), in the allocation's transaction:
 * a retry after a worker died between allocating and completing gets the same numbers back rather
 * than leaving a gap in the county's numbering (db/case-numbers.ts).
 */
export const caseNumberClaims = pgTable(
  'case_number_claims',
  {
    workflowId: text('workflow_id').notNull(),
    runId: text('run_id').notNull(),
    activityId: text('activity_id').notNull(),
    process: processType('process').notNull(),
    numbers: text('numbers').array().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.workflowId, t.runId, t.activityId] })],
);

/** Delivery of a notice outside the system (SMS, IM webhook): see activities/notices.ts. */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Notices to a unit and, when known, a named user (e.g. the unit's leader): 督办 on an overdue
 * clock, 催办, red cards. Written by activities, idempotently per (case, key). The row is also the
 * delivery outbox: `pending` until the notifier accepts it (`delivered`) or it has used up its
 * attempts (`failed`); `nextAttemptAt` is when the sweeper may try it next (a claim pushes it on).
 */
export const notices = pgTable(
  'notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: text('case_id').notNull(),
    key: text('key').notNull(),
    kind: text('kind').$type<NoticeKind>().notNull(),
    unitId: text('unit_id').notNull(),
    recipientUserId: text('recipient_user_id'),
    message: text('message').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    readAt: timestamp('read_at', { withTimezone: true }),
    deliveryStatus: text('delivery_status').$type<DeliveryStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('notices_case_key_idx').on(t.caseId, t.key, t.unitId),
    index('notices_unit_idx').on(t.unitId, t.createdAt),
    index('notices_delivery_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.deliveryStatus} = 'pending'`),
  ],
);
