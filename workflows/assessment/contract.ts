import { z } from 'zod';
import { ASSESSMENT_PERIODS, schemeDefinitionSchema } from '../../domain/assessment';
import { actorSchema, calendarContextSchema, clockSnapshotSchema, text } from '../shared/contract';
import { ASSESSMENT_PHASES, type AssessmentState } from './definitions';

// The assessment cycle's contract (双向考核): what starts it, what a caller may do to it, what it shows.
// definitions.ts, the API routes, the OpenAPI document and the web client all derive from it.

export const periodInfoSchema = z.object({
  key: z.string(),
  period: z.enum(ASSESSMENT_PERIODS),
  start: z.string(),
  end: z.string(),
  label: z.string(),
});

export const cycleRateeSchema = z.object({
  /** `unit:<unit id>` or `user:<user id>`. */
  key: z.string(),
  type: z.enum(['unit', 'user']),
  id: z.string(),
  name: z.string(),
  unitId: z.string(),
  unitPath: z.string(),
  raters: z.record(z.string(), z.array(z.string())),
});

/** A cycle as planned when it opens: the frozen scheme version, period, ratees and raters. */
export const cyclePlanSchema = z.object({
  caseId: z.string(),
  schemeCode: z.string(),
  schemeVersion: z.number().int(),
  schemeName: z.string(),
  definition: schemeDefinitionSchema,
  period: periodInfoSchema,
  owner: z.object({ unitId: z.string(), unitPath: z.string(), name: z.string() }),
  ratees: z.array(cycleRateeSchema),
  /** The leaders of the rater units (they score for their unit, whatever their role). */
  raterLeaders: z.array(z.object({ unitId: z.string(), userId: z.string(), role: z.string() })),
});

export const startAssessmentInputSchema = z.object({
  plan: cyclePlanSchema,
  openedBy: actorSchema,
  calendar: calendarContextSchema,
  /** Continue as new once the history has this many events (Temporal suggests it far later). */
  historyLimit: z.number().int().optional(),
  /** Present when the workflow continues as new: the cycle's own state, carried over as it is. */
  resume: z.custom<AssessmentState>().optional(),
});

export const assessmentActorSchema = actorSchema.extend({ isLeader: z.boolean() });

export const scoreEntrySchema = z.strictObject({
  rateeKey: text(120),
  indicatorCode: text(40),
  score: z.number().min(0).max(1000),
  comment: text(1000).optional(),
});

/** The actions on a cycle; each has its own route, whose body is the action without `type` (and `appealId` from the path). */
export const scoreActionSchema = z.strictObject({
  type: z.literal('score'),
  scores: z.array(scoreEntrySchema).min(1).max(500),
});
export const closeScoringActionSchema = z.strictObject({ type: z.literal('close-scoring'), reason: text(500) });
export const publishActionSchema = z.strictObject({ type: z.literal('publish'), note: text(500).optional() });
export const appealActionSchema = z.strictObject({
  type: z.literal('appeal'),
  rateeKey: text(120),
  reason: text(2000),
  indicatorCode: text(40).optional(),
});
export const decideAppealActionSchema = z.strictObject({
  type: z.literal('decide-appeal'),
  appealId: z.string().min(1).max(20),
  decision: z.enum(['maintain', 'adjust']),
  reason: text(2000),
  adjustments: z
    .array(z.strictObject({ indicatorCode: text(40), score: z.number().min(0).max(100) }))
    .max(50)
    .optional(),
});

export const assessmentActionSchema = z.discriminatedUnion('type', [
  scoreActionSchema,
  closeScoringActionSchema,
  publishActionSchema,
  appealActionSchema,
  decideAppealActionSchema,
]);

export const assessmentActionInputSchema = z.object({ actor: assessmentActorSchema, action: assessmentActionSchema });

const totalAndGrade = z.object({ total: z.number(), grade: z.string() });

/** An appeal (申诉) of a ratee and the assessor's decision. */
export const appealSchema = z.object({
  appealId: z.string(),
  rateeKey: z.string(),
  indicatorCode: z.string().nullable(),
  reason: z.string(),
  filedBy: z.string(),
  filedAt: z.string(),
  status: z.enum(['pending', 'adjusted', 'rejected']),
  decisionReason: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.string().nullable(),
  before: totalAndGrade.nullable(),
  after: totalAndGrade.nullable(),
});

/** The live summary returned by the case-state query and by every action. */
export const assessmentViewSchema = z
  .object({
    caseId: z.string(),
    schemeCode: z.string(),
    schemeVersion: z.number().int(),
    schemeName: z.string(),
    period: periodInfoSchema,
    phase: z.enum(ASSESSMENT_PHASES),
    phaseLabel: z.string(),
    ownerUnitId: z.string(),
    ratees: z.number().int(),
    expectedScores: z.number().int(),
    givenScores: z.number().int(),
    snapshotAt: z.string().nullable(),
    scoringDeadline: z.string().nullable(),
    appealDeadline: z.string().nullable(),
    computedAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    finalAt: z.string().nullable(),
    appeals: z.object({ pending: z.number().int(), decided: z.number().int() }),
    clocks: z.array(clockSnapshotSchema),
  })
  .meta({ id: 'AssessmentView', description: '考核实时概况（各阶段时间、评分进度、申诉数）/ live summary of a cycle' });

const manualScoreSchema = z.object({
  raterUnitId: z.string(),
  score: z.number(),
  by: z.string(),
  at: z.string(),
  comment: z.string().nullable().optional(),
});

/** One indicator of a ratee's result: its score, contribution, inputs, explanation, rater scores and any appeal adjustment. */
export const indicatorLineSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    side: z.string(),
    kind: z.enum(['automatic', 'manual']),
    weight: z.number(),
    score: z.number(),
    contribution: z.number(),
    inputs: z.record(z.string(), z.number()),
    explanation: z.string(),
    manual: z
      .object({ scores: z.array(manualScoreSchema.extend({ substituted: z.boolean() })), missing: z.array(z.string()) })
      .optional(),
    override: z
      .object({
        indicatorCode: z.string(),
        score: z.number(),
        reason: z.string(),
        appealId: z.string(),
        by: z.string(),
        at: z.string(),
        original: z.number(),
      })
      .optional(),
  })
  .meta({ id: 'AssessmentIndicatorLine' });

/** One side (评价主体) of a ratee's result. */
export const sideLineSchema = z.object({
  code: z.string(),
  name: z.string(),
  weight: z.number(),
  score: z.number(),
  weighted: z.number(),
});
