import { z } from 'zod';
import { durationSchema } from '../../domain/calendar';
import { INCIDENT_SOURCES, incidentLimitSchema, SATISFACTION } from '../../domain/incident';
import {
  actorSchema,
  assignmentSnapshotSchema,
  attachmentRefSchema,
  calendarContextSchema,
  clockSnapshotSchema,
  orNull,
  text,
  withEvidence,
} from '../shared/contract';
import { startSummonsInputSchema, summonsOutcomeSchema } from '../summons/contract';
import { INCIDENT_STATUSES } from './definitions';

// The grid incident's contract (网格事件 / 12345 工单): what starts it, what a caller may do to it,
// what it shows. definitions.ts, the API routes, the OpenAPI document and the web client all derive from it.

const refs = (description: string) => z.array(text(500)).max(20).meta({ description });
/** L1 grid → L2 village → L3 township → L4 county. */
const levelNo = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);

/** Who holds an assignment: any user with `role` in `unitId`. */
export const incidentHolderSchema = z.object({ unitId: z.string(), role: z.string() });

/** Resolving needs a photo among the files, or `noPhotoReason` (checked by the workflow's validator). */
const resolve = withEvidence({
  type: z.literal('resolve'),
  result: text(4000),
  evidence: refs('其他处置证据的引用（文书编号等）/ other evidence references').default([]),
  noPhotoReason: text(1000).optional().meta({
    description:
      '未附处置后照片的原因；办结须至少一张照片或写明原因 / why there is no photo: resolving needs a photo or this reason',
  }),
});
const verify = withEvidence({
  type: z.literal('verify'),
  passed: z.boolean(),
  note: text(1000),
  evidence: refs('核查照片引用 / verification references').optional(),
});

/** The actions a caller sends and the Update carries alike (all but `dispatch`, `resolve` and `verify`). */
const commonActions = [
  z.strictObject({ type: z.literal('sign'), note: text(1000).optional() }),
  z.strictObject({
    type: z.literal('dispute'),
    reason: text(1000),
    basis: text(1000).optional().meta({
      description:
        '异议依据（12345 工单必填）；须在派单异议期限内提出 / basis, required for 12345 orders; only within the dispute window',
    }),
  }),
  z.strictObject({
    type: z.literal('escalate'),
    reason: text(1000),
    toLevel: levelNo.optional().meta({ description: '特急事件可越级至 3 或 4 / 特急 may jump to 3 or 4' }),
  }),
  z.strictObject({
    type: z.literal('callback'),
    satisfaction: z.enum(SATISFACTION),
    resolved: z.boolean(),
    note: text(1000).optional(),
  }),
  z.strictObject({ type: z.literal('extend'), amount: z.number().positive().max(365), reason: text(1000) }),
  z.strictObject({
    type: z.literal('urge'),
    message: text(1000).meta({
      description: '督办意见（乡镇或县督查员）/ what the supervisor asks of the holding unit',
    }),
  }),
] as const;

/** Every human action on an incident as a caller sends it (`POST /incidents/{id}/actions`). */
export const incidentActionRequestSchema = z
  .discriminatedUnion('type', [
    ...commonActions,
    resolve.request,
    verify.request,
    z.strictObject({
      type: z.literal('dispatch'),
      unitId: text(100).meta({
        description:
          '改派单位；12345 工单有异议时由派单方（县综合指挥中心）裁定：改派他单位即异议成立，派回原单位即异议不成立 / for a disputed 12345 order its sender decides: another unit upholds the dispute, the same unit rejects it',
      }),
      note: text(1000).optional(),
    }),
  ])
  .meta({ id: 'IncidentAction' });

/** Every action on an incident as the Update carries it: a dispatch names the resolved holder. */
export const incidentActionSchema = z.discriminatedUnion('type', [
  ...commonActions,
  resolve.update,
  verify.update,
  z.strictObject({ type: z.literal('dispatch'), to: incidentHolderSchema, note: text(1000).optional() }),
  /** Sent by the summons API only: the whistle was checked against the rules; the event starts it as a child. */
  z.strictObject({ type: z.literal('whistle'), summons: startSummonsInputSchema }),
]);

export const incidentActionInputSchema = z.object({ actor: actorSchema, action: incidentActionSchema });

export const hotlineOrderSchema = z.object({
  orderType: z.string(),
  orderTypeName: z.string(),
  limit: durationSchema,
  requester: z.object({ name: z.string(), phone: z.string().optional() }),
  orderNo: z.string().optional(),
});

const locationSchema = z.object({ address: z.string(), lat: z.number().optional(), lng: z.number().optional() });

/** Everything an event needs for its whole life, resolved and frozen at report time. */
export const startIncidentInputSchema = z.object({
  caseId: z.string(),
  title: z.string(),
  description: z.string(),
  source: z.enum(INCIDENT_SOURCES),
  category: z.object({ code: z.string(), name: z.string() }),
  urgency: z.object({ code: z.string(), name: z.string(), mayJump: z.boolean() }),
  location: locationSchema,
  attachments: z.array(z.string()),
  /** Uploaded photos and files of the report (随手拍), recorded in its audit entry. */
  files: z.array(attachmentRefSchema).optional(),
  territory: z.object({
    gridId: z.string(),
    gridPath: z.string(),
    villageId: z.string(),
    townshipId: z.string(),
    countyId: z.string(),
  }),
  startLevel: levelNo,
  /** Index = level − 1: the routed handling unit, each level's dispatcher, limit and on-site verifier. */
  routes: z.array(incidentHolderSchema),
  dispatchers: z.array(incidentHolderSchema),
  limits: z.array(incidentLimitSchema),
  verifiers: z.array(incidentHolderSchema),
  /** Who calls the requester back (回访), when this source is called back at all. */
  callback: incidentHolderSchema.nullable(),
  hotline: hotlineOrderSchema.nullable(),
  reportedBy: actorSchema,
  calendar: calendarContextSchema,
  /** How long after a dispatch its unit may dispute it (派单异议); absent for events started before the rule. */
  disputeWindow: durationSchema.optional(),
});

/** A dispatch dispute (派单异议) and, once the dispatcher (for a 12345 order: its sender) re-dispatched, the decision. */
export const incidentDisputeRecordSchema = z.object({
  unitId: z.string(),
  reason: z.string(),
  basis: z.string().nullable(),
  at: z.string(),
  /** upheld: re-assigned to another unit; rejected: sent back to the disputing unit. */
  ruling: z.enum(['upheld', 'rejected']).nullable(),
  ruledBy: z.string().nullable(),
  ruledAt: z.string().nullable(),
});

export const lateUnitSchema = z.object({
  level: levelNo,
  unitId: z.string(),
  deadline: z.string().nullable(),
  at: z.string(),
});

export const incidentHistoryEntrySchema = z.object({
  at: z.string(),
  actorId: z.string(),
  unitId: z.string().nullable(),
  role: z.string(),
  action: z.string(),
  level: levelNo,
  note: z.string().nullable(),
});

export const callbackRecordSchema = z.object({
  satisfaction: z.enum(SATISFACTION),
  resolved: z.boolean(),
  note: z.string().nullable(),
  by: z.string(),
  at: z.string(),
  /** Made because the 12345 deadline passed before the event closed. */
  atDeadline: z.boolean(),
});

/** A whistle blown from the event, and its outcome once it ended. */
export const incidentSummonsRefSchema = z.object({
  caseId: z.string(),
  at: z.string(),
  outcome: orNull(summonsOutcomeSchema),
});

/** The live state returned by the case-state query and by every action. */
export const incidentViewSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(INCIDENT_STATUSES),
    statusLabel: z.string(),
    title: z.string(),
    description: z.string(),
    source: z.enum(INCIDENT_SOURCES),
    category: z.object({ code: z.string(), name: z.string() }),
    urgency: z.object({ code: z.string(), name: z.string() }),
    location: locationSchema,
    attachments: z.array(z.string()),
    gridId: z.string(),
    level: levelNo,
    assignee: incidentHolderSchema,
    /** 首接: for a 12345 order, the unit it was first dispatched to, whoever signs for it later. */
    firstReceiverUnitId: z.string().nullable().meta({
      description:
        '12345 工单的首接单位（首次派至的单位，不随改派变化）/ a 12345 order’s first receiver: the unit it was first dispatched to',
    }),
    /** The end of the current dispatch's dispute window, while its unit may dispute (null otherwise). */
    disputeDeadline: z
      .string()
      .nullable()
      .meta({ description: '派单异议截止时间（待签收时）/ until when the dispatched unit may dispute' }),
    escalations: z.array(
      z.object({ from: levelNo, to: levelNo, automatic: z.boolean(), reason: z.string(), at: z.string() }),
    ),
    lateUnits: z.array(lateUnitSchema),
    disputes: z.array(incidentDisputeRecordSchema),
    resolution: z
      .object({
        level: levelNo,
        unitId: z.string(),
        result: z.string(),
        evidence: z.array(z.string()),
        noPhotoReason: z.string().optional(),
        at: z.string(),
      })
      .nullable(),
    finalLevel: levelNo.nullable(),
    verifications: z.array(z.object({ passed: z.boolean(), note: z.string(), by: z.string(), at: z.string() })),
    callbacks: z.array(callbackRecordSchema),
    reopens: z.number().int(),
    redCard: z.boolean(),
    /** 督办 notices sent by supervisors (the red card's automatic 督办 is not counted here). */
    urgeCount: z.number().int(),
    /** Whistles blown from this event (L3), with their outcome once closed or rejected. */
    summonses: z.array(incidentSummonsRefSchema),
    /** `sender`: who sent the order and decides its disputes (派单异议), re-assigning it. */
    hotline: hotlineOrderSchema
      .extend({
        deadline: z.string().nullable(),
        overdue: z.boolean(),
        callbackDue: z.boolean(),
        sender: incidentHolderSchema,
      })
      .nullable(),
    closedAt: z.string().nullable(),
    history: z.array(incidentHistoryEntrySchema),
    assignments: z.array(assignmentSnapshotSchema),
    clocks: z.array(clockSnapshotSchema),
  })
  .meta({ id: 'IncidentView' });
