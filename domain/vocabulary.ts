import { SLA_LEVELS, type SlaLevel } from './sla-clock';

/**
 * The words every layer shares: workflows name them in their state, activities and the API write and
 * read them, and db/schema builds its PostgreSQL enums from these lists (so a value added here is a
 * migration there). Kept here, below all of them, so none has to import another's internals for them.
 */

/** The four processes of DOMAIN §4–7, plus rectification tasks (整改任务) that several of them open. */
export const PROCESS_TYPES = ['approval', 'incident', 'summons', 'assessment', 'task'] as const;
/** One of {@link PROCESS_TYPES}. */
export type ProcessType = (typeof PROCESS_TYPES)[number];

/** Human-readable case number prefixes, e.g. `SP-2026-000123`. */
export const CASE_NO_PREFIX: Record<ProcessType, string> = {
  approval: 'SP',
  incident: 'SJ',
  summons: 'CS',
  assessment: 'KH',
  task: 'RW',
};

/** A clock's colour as the envelope and the board show it: the SLA clock's levels. */
export const CLOCK_LEVELS = SLA_LEVELS;
/** One of {@link CLOCK_LEVELS}. */
export type ClockLevel = SlaLevel;

/**
 * What the envelope's colour and nearest deadline follow: the case's own limit (and its steps), or
 * an approval's clocks before acceptance (the §32 pre-check and the applicant's 补正 period), which
 * are not the promised limit and are shown as their own kind.
 */
export const CLOCK_KINDS = ['case', 'pre-acceptance'] as const;
/** One of {@link CLOCK_KINDS}. */
export type ClockKind = (typeof CLOCK_KINDS)[number];

/** Kinds of notice: 督办 after an overdue clock, a 催办 urge, a red card, a plain information. */
export const NOTICE_KINDS = ['overdue', 'urge', 'red-card', 'info'] as const;
/** One of {@link NOTICE_KINDS}. */
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** A notice a workflow asks to deliver: to a unit, and to that unit's leader when `toLeader`. */
export interface NoticeRequest {
  caseId: string;
  /** Idempotency key within the case, e.g. `overdue:case` or `urge:7`. */
  key: string;
  kind: NoticeKind;
  unitId: string;
  toLeader: boolean;
  message: string;
  at: string;
}

/** Who takes an action, as the API resolved it from the caller's token; checked again by the workflow. */
export interface Actor {
  userId: string;
  displayName?: string;
  role: string;
  unitId: string;
  unitPath: string;
}

/** The system itself (timers, escalations, outcomes it carries on its own). */
export const SYSTEM_ACTOR: Actor = { userId: 'system', displayName: '系统', role: 'system', unitId: '', unitPath: '' };

/**
 * The failure type of a projection write that can never succeed, whatever the retries: data that
 * PostgreSQL or the audit hash refuses (see activities/projection-guard.ts). Raised non-retryable;
 * the workflow undoes the action that produced it (workflows/shared/case-changes.ts).
 */
export const PROJECTION_REJECTED = 'ProjectionRejected';
