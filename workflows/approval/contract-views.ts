import { z } from 'zod';
import { durationSchema } from '../../domain/calendar';
import { CHANNELS } from '../../domain/catalogue';
import { assignmentSnapshotSchema, clockSnapshotSchema } from '../shared/contract';
import { transferTargetSchema } from './contract';
import { APPROVAL_STATUSES, SUSPENSION_KINDS } from './definitions';

// What an approval case shows (its view, with its steps, signatures and materials): the other half
// of its contract, next to what starts it and what a caller may do to it in contract.ts.

export const approvalHistoryEntrySchema = z.object({
  at: z.string(),
  actorId: z.string(),
  actorName: z.string().nullable(),
  unitId: z.string().nullable(),
  role: z.string(),
  action: z.string(),
  step: z.string().nullable(),
  opinion: z.string().nullable(),
});

export const signatureSchema = z.object({
  unitId: z.string(),
  actorId: z.string(),
  actorName: z.string().nullable(),
  at: z.string(),
  opinion: z.string(),
  signer: z
    .string()
    .optional()
    .meta({ description: '按人员会签：所签的会签席位（user:… 或 role:…）/ on a panel: the member signed for' }),
  role: z.string().optional(),
});

/** A member of a 会签 panel within one unit, and its signature once given. */
export const signerViewSchema = z.object({
  key: z.string(),
  role: z.string(),
  /** The named person; null when anyone holding `role` in the unit may sign. */
  userId: z.string().nullable(),
  displayName: z.string().nullable(),
  signature: signatureSchema.nullable(),
});

export const stepViewSchema = z.object({
  key: z.string(),
  name: z.string(),
  role: z.string(),
  mode: z.string(),
  unitIds: z.array(z.string()),
  limitDays: z.number().nullable(),
  state: z.enum(['pending', 'current', 'done']),
  signatures: z.array(signatureSchema),
  signers: z.array(signerViewSchema).meta({
    description:
      '按人员会签（评审组）：每位须签署的人员或角色及其签署 / a panel of people or roles who must each sign, with their signatures',
  }),
  pendingUnitIds: z.array(z.string()),
  transfers: z
    .record(z.string(), transferTargetSchema)
    .meta({ description: '单位 → 转交对象 / unit → the user the step was transferred to' }),
});

export const materialsViewSchema = z.object({
  required: z.array(z.object({ key: z.string(), name: z.string(), isKey: z.boolean(), provided: z.boolean() })),
  provided: z.array(z.string()),
  missing: z.array(z.string()),
  notified: z.array(z.string()).nullable(),
  tolerated: z.array(z.string()),
  outstanding: z.array(z.string()),
});

/** The live state returned by the case-state query and by every action. */
export const approvalViewSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(APPROVAL_STATUSES),
    statusLabel: z.string(),
    matter: z.object({
      code: z.string(),
      version: z.number().int(),
      name: z.string(),
      category: z.string(),
      kind: z.string(),
      promisedLimitDays: z.number(),
      statutoryLimitDays: z.number(),
    }),
    applicant: z.object({ name: z.string(), phone: z.string().nullable(), idNumber: z.string().nullable() }),
    channel: z.enum(CHANNELS),
    townshipId: z.string(),
    submittedBy: z.string(),
    receiptNo: z.string().nullable().meta({ description: '受理回执号 / acceptance receipt number' }),
    acceptedAt: z.string().nullable(),
    materials: materialsViewSchema,
    caseDeadline: z.string().nullable().meta({
      description:
        '承诺期限（特事特办后为其时限）；受理前、中止计时期间和结案后为空 / the promised limit’s deadline (the expedited one once expedited); null before acceptance, while suspended and once closed',
    }),
    stepDeadline: z
      .string()
      .nullable()
      .meta({ description: '当前环节时限 / the current step’s own limit, while it runs' }),
    precheckDeadline: z.string().nullable().meta({
      description:
        '受理审查期限：逾期未告知视为受理（行政许可法第三十二条）/ end of the pre-check period; silence after it counts as acceptance',
    }),
    supplementDeadline: z.string().nullable(),
    catchUpDeadline: z.string().nullable(),
    currentStep: z.string().nullable(),
    steps: z.array(stepViewSchema),
    suspension: z
      .object({ kind: z.enum(SUSPENSION_KINDS), reason: z.string(), by: z.string(), at: z.string() })
      .nullable(),
    pendingExtension: z
      .object({ days: z.number(), reason: z.string(), step: z.string().nullable(), by: z.string(), at: z.string() })
      .nullable(),
    expedited: z.object({ budget: durationSchema, reason: z.string(), by: z.string(), at: z.string() }).nullable(),
    urgeCount: z.number().int(),
    conclusion: z.object({ result: z.string(), certificateNo: z.string().nullable(), at: z.string() }).nullable(),
    closeReason: z.string().nullable(),
    handlingUnitId: z.string().nullable(),
    rating: z
      .object({
        score: z.number().int(),
        comment: z.string().nullable(),
        by: z.string(),
        at: z.string(),
        rectificationCaseId: z.string().nullable(),
      })
      .nullable(),
    history: z.array(approvalHistoryEntrySchema),
    assignments: z.array(assignmentSnapshotSchema),
    clocks: z.array(clockSnapshotSchema),
  })
  .meta({ id: 'ApprovalView' });
