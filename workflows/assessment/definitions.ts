import { defineUpdate } from '@temporalio/workflow';
import type { ManualScore, MetricValues, PeriodInfo, RateeResult, SchemeDefinition, ScoreOverride } from '../../domain/assessment';
import type { Actor } from '../shared/actor';
import type { CalendarContext, NamedClock } from '../shared/case-clocks';
import type { ClockSnapshot } from '../shared/case-snapshot';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * An assessment cycle (考核周期, DOMAIN §7): one scheme version, one period. Opened (by hand or by
 * the schedule) → the automatic indicators are snapshotted → manual scoring window (reminders at
 * the blue and yellow marks of its clock, closed at the deadline or early by the assessor; missing
 * scores handled by the scheme's rule) → computed (scores, grades, ranking) → published (公示) with
 * an appeal window → final and immutable; 不合格 units get a rectification task.
 */
export const ASSESSMENT_PHASES = ['opening', 'scoring', 'review', 'published', 'final'] as const;
export type AssessmentPhase = (typeof ASSESSMENT_PHASES)[number];

export const ASSESSMENT_PHASE_LABEL: Record<AssessmentPhase, string> = {
  opening: '开启中（指标快照）',
  scoring: '评分中',
  review: '已计分，待公示',
  published: '公示中（申诉期）',
  final: '已终结',
};

/** A ratee with, per side, the rater units that score it (frozen when the cycle opens). */
export interface CycleRatee {
  /** `unit:<unit id>` or `user:<user id>`. */
  key: string;
  type: 'unit' | 'user';
  id: string;
  name: string;
  unitId: string;
  unitPath: string;
  raters: Record<string, string[]>;
}

/** Everything a cycle is assessed on, frozen at opening: a later scheme edit changes nothing here. */
export interface CyclePlan {
  caseId: string;
  schemeCode: string;
  schemeVersion: number;
  schemeName: string;
  definition: SchemeDefinition;
  period: PeriodInfo;
  owner: { unitId: string; unitPath: string; name: string };
  ratees: CycleRatee[];
  /** The leaders of the rater units (they score for their unit, whatever their role). */
  raterLeaders: { unitId: string; userId: string; role: string }[];
}

/** The actor, with the leader flag the API read from the user (a unit's leader may score for it). */
export interface AssessmentActor extends Actor {
  isLeader: boolean;
}

export interface ScoreEntry {
  rateeKey: string;
  indicatorCode: string;
  score: number;
  comment?: string;
}

export type AssessmentAction =
  | { type: 'score'; scores: ScoreEntry[] }
  | { type: 'close-scoring'; reason: string }
  | { type: 'publish'; note?: string }
  | { type: 'appeal'; rateeKey: string; reason: string; indicatorCode?: string }
  | { type: 'decide-appeal'; appealId: string; decision: 'maintain' | 'adjust'; reason: string; adjustments?: { indicatorCode: string; score: number }[] };

export type AssessmentActionType = AssessmentAction['type'];

export const ASSESSMENT_ACTION_LABEL: Record<AssessmentActionType, string> = {
  score: '评分',
  'close-scoring': '结束评分',
  publish: '公示',
  appeal: '申诉',
  'decide-appeal': '申诉复核',
};

export interface AssessmentActionInput {
  actor: AssessmentActor;
  action: AssessmentAction;
}

export interface Appeal {
  appealId: string;
  rateeKey: string;
  indicatorCode: string | null;
  reason: string;
  filedBy: string;
  filedAt: string;
  status: 'pending' | 'adjusted' | 'rejected';
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  before: { total: number; grade: string } | null;
  after: { total: number; grade: string } | null;
}

/** The cycle's whole mutable state: carried across continue-as-new. */
export interface AssessmentState {
  phase: AssessmentPhase;
  snapshot: { takenAt: string; metrics: Record<string, MetricValues> } | null;
  /** rateeKey → indicator code → rater unit scores. */
  scores: Record<string, Record<string, ManualScore[]>>;
  overrides: Record<string, ScoreOverride[]>;
  appeals: Appeal[];
  results: RateeResult[];
  rectifications: Record<string, string>;
  clocks: Record<string, NamedClock>;
  reminders: string[];
  seq: number;
  /** The hash of the audit entry at `seq` (the recorder's anchor), carried across continue-as-new. */
  auditHash?: string | null;
  createdAt: string;
  updatedAt: string;
  computedAt: string | null;
  publishedAt: string | null;
  finalAt: string | null;
  history: { at: string; actorId: string; action: string; note: string | null }[];
}

export interface StartAssessmentInput {
  plan: CyclePlan;
  openedBy: Actor;
  calendar: CalendarContext;
  /** Continue as new once the history has this many events (Temporal suggests it far later). */
  historyLimit?: number;
  /** Present when the workflow continues as new. */
  resume?: AssessmentState;
}

/** The live summary returned by the case-state query and every action (no other ratee's scores). */
export interface AssessmentView {
  caseId: string;
  schemeCode: string;
  schemeVersion: number;
  schemeName: string;
  period: PeriodInfo;
  phase: AssessmentPhase;
  phaseLabel: string;
  ownerUnitId: string;
  ratees: number;
  expectedScores: number;
  givenScores: number;
  snapshotAt: string | null;
  scoringDeadline: string | null;
  appealDeadline: string | null;
  computedAt: string | null;
  publishedAt: string | null;
  finalAt: string | null;
  appeals: { pending: number; decided: number };
  clocks: ClockSnapshot[];
}

/** The read model a transition writes besides the case envelope (only what changed). */
export interface AssessmentProjection {
  caseId: string;
  seq: number;
  cycle: {
    phase: AssessmentPhase;
    snapshotAt: string | null;
    scoringDeadline: string | null;
    computedAt: string | null;
    publishedAt: string | null;
    appealDeadline: string | null;
    finalAt: string | null;
    updatedAt: string;
  };
  scores: (ManualScore & { rateeKey: string; indicatorCode: string })[];
  results: (RateeResult & { rectificationCaseId: string | null; final: boolean })[] | null;
  appeals: Appeal[];
}

/** Every human action on a cycle: one Update with a validator; a refused action never enters history. */
export const assessmentActionUpdate = defineUpdate<AssessmentView, [AssessmentActionInput]>('assessmentAction');
