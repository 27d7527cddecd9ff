import { z } from 'zod';
import { durationSchema } from '../../domain/calendar';
import { CHANNELS, matterShapeSchema, stepSchema } from '../../domain/catalogue';
import { actorSchema, attachmentRefSchema, calendarContextSchema, text, withEvidence } from '../shared/contract';
import { EXPEDITE_UNITS, SUSPENSION_KINDS } from './definitions';

// The approval case's contract (政务服务审批): what starts it, what a caller may do to it, and (in
// contract-views.ts) what it shows. definitions.ts, the API routes, the OpenAPI document and the web
// client all derive from it.

const key = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const keys = (description: string) => z.array(key).min(1).max(50).meta({ description });
const stepRef = {
  step: key.optional().meta({
    description:
      '当前环节标识（可选，防止误办下一环节；不符则 409）/ the step you act on; 409 if it is no longer current',
  }),
};
const reason = (description: string) => text(2000).meta({ description });

/** A user a step is transferred to (转交), as the API resolved it from the user table. */
export const transferTargetSchema = z.object({
  userId: z.string(),
  unitId: z.string(),
  role: z.string(),
  displayName: z.string().optional(),
});

const supplement = withEvidence({
  type: z.literal('supplement'),
  materials: keys('补正（或补齐容缺）的材料 / materials handed in now'),
  note: text(1000).optional(),
});

const notifyMissing = z.strictObject({
  type: z.literal('notify-missing'),
  missing: keys('一次性告知：列明全部需补正的材料 / every material to supplement, at once'),
  note: text(1000).optional(),
});

/** The actions a caller sends and the Update carries alike (but for `notify-missing` and `supplement`, listed first, and `transfer`, `expedite`, `rate`). */
const commonActions = [
  z.strictObject({
    type: z.literal('accept'),
    tolerate: keys('容缺受理：缺少的非关键材料 / missing non-key materials accepted for later').optional(),
    catchUpDays: z.number().int().min(1).max(365).optional().meta({
      description:
        '容缺补齐期限（工作日，默认=承诺时限）/ catch-up period in working days (default: the promised limit)',
    }),
    conclude: z
      .strictObject({ result: reason('办理结果 / result'), certificateNo: text(100).optional() })
      .optional()
      .meta({ description: '即办件：受理并当场办结 / on-the-spot matters: accept and conclude in one action' }),
  }),
  z.strictObject({ type: z.literal('refuse'), reason: reason('不予受理理由 / why the application is not accepted') }),
  z.strictObject({ type: z.literal('approve'), opinion: reason('审批意见 / opinion'), ...stepRef }),
  z.strictObject({
    type: z.literal('reject'),
    reason: reason('不予许可理由 / why the application is refused'),
    ...stepRef,
  }),
  z.strictObject({
    type: z.literal('return'),
    reason: reason('退回上一环节的理由 / why it goes back a step'),
    ...stepRef,
  }),
  z.strictObject({
    type: z.literal('suspend'),
    kind: z
      .enum(SUSPENSION_KINDS)
      .meta({ description: '§45 听证/检验/检测/专家评审 / hearing, inspection, testing, expert review' }),
    reason: reason('中止计时理由 / why'),
  }),
  z.strictObject({ type: z.literal('resume'), reason: text(1000).optional() }),
  z.strictObject({
    type: z.literal('request-extension'),
    days: z.number().int().min(1).max(30).meta({ description: '延期工作日数 / working days' }),
    reason: reason('延期理由 / why'),
  }),
  z.strictObject({
    type: z.literal('decide-extension'),
    approve: z.boolean().meta({ description: '同意或不同意延期 / approve or deny the pending request' }),
    reason: text(1000).optional(),
  }),
  z.strictObject({ type: z.literal('urge'), message: reason('催办意见 / what to say to the step holders') }),
  z.strictObject({ type: z.literal('withdraw'), reason: reason('撤回原因 / why the applicant withdraws') }),
  z.strictObject({
    type: z.literal('conclude'),
    result: reason('办理结果 / result'),
    certificateNo: text(100)
      .optional()
      .meta({ description: '证照编号（行政许可必填）/ certificate number (required for permits)' }),
  }),
] as const;

/**
 * Every human action on an approval case as a caller sends it (`POST /approvals/{id}/actions`).
 * Step actions may name the step they mean (`step`): acting on a step that is no longer current is
 * a 409, not an action on the next step.
 */
export const approvalActionRequestSchema = z
  .discriminatedUnion('type', [
    notifyMissing,
    supplement.request,
    ...commonActions,
    z.strictObject({
      type: z.literal('expedite'),
      budget: z
        .strictObject({ unit: z.enum(EXPEDITE_UNITS), amount: z.number().positive().max(1000) })
        .meta({ description: '特事特办时限（自然时间），如 { unit: "hour", amount: 2 } / natural-time limit' }),
      reason: reason('特事特办理由 / why'),
    }),
    z.strictObject({
      type: z.literal('rate'),
      score: z
        .number()
        .int()
        .min(1)
        .max(5)
        .meta({ description: '好差评 1–5 分；≤2 分生成整改任务 / 1–5; 2 or less opens a rectification task' }),
      comment: text(1000).optional(),
    }),
    z.strictObject({
      type: z.literal('transfer'),
      toUser: text(100).meta({
        description: '转交给本单位同角色人员（用户名或用户 ID）/ a colleague with the same role: username or user id',
      }),
      reason: text(1000).optional(),
      ...stepRef,
    }),
  ])
  .meta({ id: 'ApprovalAction' });

/** Every human action on an approval case as the Update carries it: a transfer names the resolved user. */
export const approvalActionSchema = z.discriminatedUnion('type', [
  notifyMissing,
  supplement.update,
  ...commonActions,
  z.strictObject({ type: z.literal('transfer'), to: transferTargetSchema, reason: text(1000).optional(), ...stepRef }),
  // The workflow itself refuses a limit in working time (the API only offers natural time).
  z.strictObject({ type: z.literal('expedite'), budget: durationSchema, reason: text(2000) }),
  // A bad rating's rectification task is numbered by the workflow once the rating is accepted.
  z.strictObject({
    type: z.literal('rate'),
    score: z.number().int().min(1).max(5),
    comment: text(1000).optional(),
    rectificationCaseId: z.string().optional(),
  }),
]);

export const approvalActionInputSchema = z.object({
  actor: actorSchema,
  action: approvalActionSchema,
  /**
   * Set by the API only, after checking that the caller is a supervisor over the handling unit and
   * the case is overdue: lets that supervisor 督办 (urge) whenever the case can be urged at all.
   */
  oversight: z.boolean().optional(),
});

export const applicantSchema = z.object({
  name: z.string(),
  idNumber: z.string().optional(),
  phone: z.string().optional(),
});

/** A member of a 会签 panel as resolved for one case: the role it signs with and, for a named user, who. */
const resolvedSignerSchema = z.object({
  key: z.string(),
  role: z.string(),
  userId: z.string().optional(),
  displayName: z.string().optional(),
});

/** A step with its units resolved for one case: who may sign it. */
export const resolvedStepSchema = z.intersection(
  stepSchema,
  z.object({
    unitIds: z.array(z.string()),
    /** The panel of a 会签 among people (from `signers`), resolved at submission. */
    seats: z.array(resolvedSignerSchema).optional(),
  }),
);

/** Everything an application needs for its whole life, frozen at submission. */
export const startApprovalInputSchema = z.object({
  caseId: z.string(),
  /** The catalogue version the case keeps for its whole life. */
  matter: z.object({ code: z.string(), version: z.number().int(), definition: matterShapeSchema }),
  /** The matter's steps with their units resolved at submission. */
  steps: z.array(resolvedStepSchema),
  applicant: applicantSchema,
  channel: z.enum(CHANNELS),
  submittedBy: actorSchema,
  /** The township/street whose window handles the application (便民服务中心). */
  townshipId: z.string(),
  /** The unit whose supervisors decide extensions and 特事特办 and own rectification tasks (the county). */
  supervisingUnitId: z.string(),
  /** Material keys handed in with the application. */
  materials: z.array(z.string()),
  /** Uploaded scans of the materials, recorded in the submission's audit entry. */
  files: z.array(attachmentRefSchema).optional(),
  calendar: calendarContextSchema,
});
