import { defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { ManualScore, MetricValues, RateeResult, ScoreOverride } from '../../domain/assessment';
import type { NamedClock } from '../shared/case-clocks';
import { caseMessages } from '../shared/definitions';
import type {
  appealSchema,
  assessmentActionInputSchema,
  assessmentActionSchema,
  assessmentActorSchema,
  assessmentViewSchema,
  cyclePlanSchema,
  cycleRateeSchema,
  scoreEntrySchema,
  startAssessmentInputSchema,
} from './contract';

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
export type CycleRatee = z.infer<typeof cycleRateeSchema>;

/** Everything a cycle is assessed on, frozen at opening: a later scheme edit changes nothing here. */
export type CyclePlan = z.infer<typeof cyclePlanSchema>;

/** The actor, with the leader flag the API read from the user (a unit's leader may score for it). */
export type AssessmentActor = z.infer<typeof assessmentActorSchema>;

export type ScoreEntry = z.infer<typeof scoreEntrySchema>;

export type AssessmentAction = z.infer<typeof assessmentActionSchema>;

export type AssessmentActionType = AssessmentAction['type'];

export const ASSESSMENT_ACTION_LABEL: Record<AssessmentActionType, string> = {
  score: '评分',
  'close-scoring': '结束评分',
  publish: '公示',
  appeal: '申诉',
  'decide-appeal': '申诉复核',
};

export type AssessmentActionInput = z.infer<typeof assessmentActionInputSchema>;

export type Appeal = z.infer<typeof appealSchema>;

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

export type StartAssessmentInput = z.infer<typeof startAssessmentInputSchema>;

/** The live summary returned by the case-state query and every action (no other ratee's scores). */
export type AssessmentView = z.infer<typeof assessmentViewSchema>;

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
/** Opening a cycle (update-with-start) and reading it. */
export const assessmentCase = caseMessages<StartAssessmentInput, AssessmentView>('assessmentCycleWorkflow');

export const assessmentActionUpdate = defineUpdate<AssessmentView, [AssessmentActionInput]>('assessmentAction');
