import { z } from 'zod';
import { durationSchema } from '../../domain/calendar';
import { incidentLimitSchema } from '../../domain/incident';
import { COMPLEXITIES, RATINGS, SUMMONS_URGENCIES } from '../../domain/summons';
import {
  actorSchema,
  assignmentSnapshotSchema,
  calendarContextSchema,
  clockSnapshotSchema,
  orNull,
  text,
  withEvidence,
} from '../shared/contract';
import { PART_OUTCOMES, PART_STATUSES, SUMMONS_STATUSES } from './definitions';

// The whistle's contract (街乡吹哨、部门报到) and its parts' (one per summoned unit): what starts them,
// what a caller may do, what they show. definitions.ts, the API routes, the OpenAPI document and the
// web client all derive from it.

const reasonRef = z.object({ code: z.string(), name: z.string() });

export const summonsHolderSchema = z.object({ unitId: z.string(), role: z.string(), userId: z.string().optional() });

export const summonedUnitInfoSchema = z
  .object({ unitId: z.string(), name: z.string(), kind: z.enum(['department', 'agency']), departmentId: z.string() })
  .meta({ id: 'SummonedUnit' });

/** The frozen limits a summons runs with. */
export const summonsLimitsSchema = z.object({
  response: durationSchema,
  handling: incidentLimitSchema,
  redCardAtMiss: z.number().int(),
});

/** Everything a whistle needs for its whole life, frozen when it is blown. */
export const startSummonsInputSchema = z.object({
  caseId: z.string(),
  title: z.string(),
  description: z.string(),
  reason: reasonRef,
  urgency: z.enum(SUMMONS_URGENCIES),
  complexity: z.enum(COMPLEXITIES),
  keyTask: z.string().nullable(),
  powerItemCodes: z.array(z.string()),
  withinCapacity: z.boolean(),
  township: z.object({ unitId: z.string(), path: z.string(), name: z.string() }),
  /** The L3 incident the whistle was raised from; it waits for the outcome. */
  incidentId: z.string().nullable(),
  units: z.array(summonedUnitInfoSchema),
  /** The township dispatcher (closes, accepts, sends back, rates). */
  dispatcher: summonsHolderSchema,
  /** The township leaders who may approve (a named user each). */
  approvers: z.array(summonsHolderSchema),
  /** The county command centre (rules on disputes, receives 督办). */
  arbiter: summonsHolderSchema,
  limits: summonsLimitsSchema,
  whistledBy: actorSchema,
  calendar: calendarContextSchema,
});

/** Every action on the whistle itself: the leader approves or rejects, the township closes. */
export const summonsActionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('approve'), note: text(1000).optional() }),
    z.strictObject({ type: z.literal('reject'), reason: text(1000) }),
    z.strictObject({ type: z.literal('close'), summary: text(4000) }),
  ])
  .meta({ id: 'SummonsAction' });

export const summonsActionInputSchema = z.object({ actor: actorSchema, action: summonsActionSchema });

const rating = z.enum(RATINGS).meta({ description: '满意 satisfied / 基本满意 basic / 不满意 unsatisfied' });

/** A result report needs evidence: a file among `attachmentIds`, or an evidence reference (checked by the workflow). */
const report = withEvidence({
  type: z.literal('report'),
  result: text(4000),
  evidence: z.array(text(500)).max(20).default([]).meta({
    description:
      '处置证据的引用（文书编号等）；与 attachmentIds 至少有一项 / evidence references; this or attachmentIds',
  }),
});

/** The actions on a part a caller sends and the Update carries alike (all but `rule` and `report`). */
const commonPartActions = [
  z.strictObject({ type: z.literal('acknowledge'), note: text(1000).optional() }),
  z.strictObject({ type: z.literal('arrive'), note: text(1000).optional() }),
  z.strictObject({ type: z.literal('dispute'), reason: text(1000) }),
  z.strictObject({
    type: z.literal('accept'),
    note: text(1000).optional(),
    rating: rating.optional(),
    comment: text(1000).optional(),
  }),
  z.strictObject({ type: z.literal('send-back'), reason: text(1000) }),
  z.strictObject({ type: z.literal('rate'), rating, comment: text(1000).optional() }),
  z.strictObject({
    type: z.literal('withdraw'),
    reason: text(1000),
    rating: rating.optional(),
    comment: text(1000).optional(),
  }),
] as const;

/** One action on a unit's part as a caller sends it (`POST /summons/{id}/departments/{unitId}/actions`). */
export const partActionRequestSchema = z
  .discriminatedUnion('type', [
    ...commonPartActions,
    report.request,
    z.strictObject({
      type: z.literal('rule'),
      upheld: z.boolean(),
      note: text(1000),
      resummonUnitId: text(100)
        .optional()
        .meta({ description: '异议成立时改召的单位 / the unit to re-summon when upheld' }),
    }),
  ])
  .meta({ id: 'SummonsPartAction' });

/** One action on a unit's part as the Update carries it: an upheld ruling names the resolved unit to re-summon. */
export const partActionSchema = z.discriminatedUnion('type', [
  ...commonPartActions,
  report.update,
  z.strictObject({
    type: z.literal('rule'),
    upheld: z.boolean(),
    note: text(1000),
    resummon: summonedUnitInfoSchema.optional(),
  }),
]);

export const partActionInputSchema = z.object({ actor: actorSchema, action: partActionSchema });

/** A part as it ended: reported to the whistle. */
export const partOutcomeSchema = z
  .object({
    caseId: z.string(),
    unitId: z.string(),
    outcome: z.enum(PART_OUTCOMES),
    rating: z.enum(RATINGS).nullable(),
    /** Set when the county upheld a dispute and re-summoned another unit. */
    resummon: orNull(summonedUnitInfoSchema),
    endedAt: z.string(),
  })
  .meta({ id: 'SummonsPartOutcome' });

/** How a whistle ended, reported to the incident it was raised from. */
export const summonsOutcomeSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(['closed', 'rejected', 'aborted']),
    summary: z.string().nullable(),
    parts: z.array(partOutcomeSchema),
  })
  .meta({ id: 'SummonsOutcome' });

export const summonsHistoryEntrySchema = z.object({
  at: z.string(),
  actorId: z.string(),
  unitId: z.string().nullable(),
  role: z.string(),
  action: z.string(),
  note: z.string().nullable(),
});

export const summonsPartRefSchema = z.object({
  caseId: z.string(),
  unit: summonedUnitInfoSchema,
  replaces: z.string().nullable(),
  startedAt: z.string(),
  outcome: orNull(partOutcomeSchema),
});

/** The whistle's live state: returned by the case-state query and by every action on it. */
export const summonsViewSchema = startSummonsInputSchema
  .pick({
    caseId: true,
    title: true,
    description: true,
    reason: true,
    urgency: true,
    complexity: true,
    keyTask: true,
    incidentId: true,
  })
  .extend({
    status: z.enum(SUMMONS_STATUSES),
    statusLabel: z.string(),
    townshipId: z.string(),
    whistledBy: z.string(),
    approval: z
      .object({ by: z.string(), at: z.string(), approved: z.boolean(), note: z.string().nullable() })
      .nullable(),
    parts: z.array(summonsPartRefSchema),
    summary: z.string().nullable(),
    closedAt: z.string().nullable(),
    history: z.array(summonsHistoryEntrySchema),
    assignments: z.array(assignmentSnapshotSchema),
  })
  .meta({ id: 'SummonsView' });

/** Everything a part needs, frozen when its unit is summoned. */
export const startPartInputSchema = startSummonsInputSchema
  .pick({
    title: true,
    description: true,
    reason: true,
    township: true,
    urgency: true,
    complexity: true,
    limits: true,
    dispatcher: true,
    arbiter: true,
    calendar: true,
  })
  .extend({
    caseId: z.string(),
    summonsId: z.string(),
    unit: summonedUnitInfoSchema,
    /** The part (case id) this one replaces after an upheld dispute. */
    replaces: z.string().nullable(),
  });

export const missRecordSchema = z.object({
  ordinal: z.number().int(),
  kind: z.enum(['acknowledge', 'result']),
  deadline: z.string(),
  at: z.string(),
  redCard: z.boolean(),
});

export const partDisputeRecordSchema = z.object({
  ordinal: z.number().int(),
  reason: z.string(),
  raisedBy: z.string(),
  raisedAt: z.string(),
  ruling: z.enum(['upheld', 'rejected']).nullable(),
  ruledBy: z.string().nullable(),
  ruledAt: z.string().nullable(),
  ruleNote: z.string().nullable(),
  resummonedUnitId: z.string().nullable(),
  /** Raised → ruled; while pending, the view shows the time so far. */
  disputedMs: z.number().nullable(),
});

/** One summoned unit's part: returned by its case-state query and by every action on it. */
export const partViewSchema = z
  .object({
    caseId: z.string(),
    summonsId: z.string(),
    status: z.enum(PART_STATUSES),
    statusLabel: z.string(),
    title: z.string(),
    description: z.string(),
    reason: reasonRef,
    unit: summonedUnitInfoSchema,
    townshipId: z.string(),
    urgency: z.enum(SUMMONS_URGENCIES),
    complexity: z.enum(COMPLEXITIES),
    replaces: z.string().nullable(),
    notifiedAt: z.string(),
    ackDeadline: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    ackOnTime: z.boolean().nullable(),
    onSiteAt: z.string().nullable(),
    resultDeadline: z.string().nullable(),
    result: z.object({ text: z.string(), evidence: z.array(z.string()), at: z.string() }).nullable(),
    resultOnTime: z.boolean().nullable(),
    sendBacks: z.array(z.object({ reason: z.string(), at: z.string() })),
    acceptedAt: z.string().nullable(),
    misses: z.array(missRecordSchema),
    redCard: z.boolean(),
    disputes: z.array(partDisputeRecordSchema),
    /** Total time in dispute, including a pending one up to now. */
    disputedMs: z.number().meta({ description: '异议耗时（毫秒，含未裁定的）/ time in dispute, ms' }),
    rating: z
      .object({ rating: z.enum(RATINGS), comment: z.string().nullable(), by: z.string(), at: z.string() })
      .nullable(),
    outcome: z.enum(PART_OUTCOMES).nullable(),
    endedAt: z.string().nullable(),
    history: z.array(summonsHistoryEntrySchema),
    assignments: z.array(assignmentSnapshotSchema),
    clocks: z.array(clockSnapshotSchema),
  })
  .meta({ id: 'SummonsPartView' });
