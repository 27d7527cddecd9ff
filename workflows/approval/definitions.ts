import { defineUpdate } from '@temporalio/workflow';
import type { Duration } from '../../domain/calendar';
import type { CHANNELS, MatterDefinition, ResolvedStep } from '../../domain/catalogue';
import type { Actor } from '../shared/actor';
import type { CalendarContext } from '../shared/case-clocks';
import type { AssignmentSnapshot, ClockSnapshot } from '../shared/case-snapshot';
import type { AttachmentRef } from '../shared/attachments';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * An approval case (政务服务审批, DOMAIN §4): one application of one matter version, from submission
 * through pre-check (一次性告知 / 补正 / 容缺), acceptance, at most four steps, conclusion and rating.
 */
export const APPROVAL_STATUSES = [
  'submitted',
  'awaiting-supplement',
  'in-progress',
  'suspended',
  'awaiting-conclusion',
  'concluded',
  'rejected',
  'refused',
  'withdrawn',
  'lapsed',
  'terminated',
] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

export const APPROVAL_STATUS_LABEL: Record<ApprovalStatus, string> = {
  submitted: '待受理',
  'awaiting-supplement': '待补正',
  'in-progress': '办理中',
  suspended: '已中止计时',
  'awaiting-conclusion': '待办结',
  concluded: '已办结',
  rejected: '不予许可',
  refused: '不予受理',
  withdrawn: '已撤回',
  lapsed: '逾期未补正，已失效',
  terminated: '容缺材料逾期未补齐，已终止',
};

export type Channel = (typeof CHANNELS)[number];

/** §45 grounds for excluding time from the limit: hearing, inspection, testing, expert review. */
export const SUSPENSION_KINDS = ['hearing', 'inspection', 'testing', 'expert-review'] as const;
export type SuspensionKind = (typeof SUSPENSION_KINDS)[number];
export const SUSPENSION_KIND_LABEL: Record<SuspensionKind, string> = { hearing: '听证', inspection: '检验', testing: '检测', 'expert-review': '专家评审' };

/** Natural-time units an expedited (特事特办) case may be given. */
export const EXPEDITE_UNITS = ['minute', 'hour', 'day'] as const;

/** A user a step is transferred to (转交), as the API resolved it from the user table. */
export interface TransferTarget {
  userId: string;
  unitId: string;
  role: string;
  displayName?: string;
}

/**
 * Every human action on an approval case. Step actions may name the step they mean (`step`, the
 * step key): acting on a step that is no longer current is a 409, not an action on the next step.
 */
export type ApprovalAction =
  | { type: 'notify-missing'; missing: string[]; note?: string }
  | { type: 'supplement'; materials: string[]; note?: string; files?: AttachmentRef[] }
  | { type: 'accept'; tolerate?: string[]; catchUpDays?: number; conclude?: { result: string; certificateNo?: string } }
  | { type: 'refuse'; reason: string }
  | { type: 'approve'; opinion: string; step?: string }
  | { type: 'reject'; reason: string; step?: string }
  | { type: 'return'; reason: string; step?: string }
  | { type: 'transfer'; to: TransferTarget; reason?: string; step?: string }
  | { type: 'suspend'; kind: SuspensionKind; reason: string }
  | { type: 'resume'; reason?: string }
  | { type: 'request-extension'; days: number; reason: string }
  | { type: 'decide-extension'; approve: boolean; reason?: string }
  | { type: 'urge'; message: string }
  | { type: 'withdraw'; reason: string }
  | { type: 'expedite'; budget: Duration; reason: string }
  | { type: 'conclude'; result: string; certificateNo?: string }
  | { type: 'rate'; score: number; comment?: string; rectificationCaseId?: string };

export type ApprovalActionType = ApprovalAction['type'];

export const APPROVAL_ACTION_LABEL: Record<ApprovalActionType, string> = {
  'notify-missing': '一次性告知',
  supplement: '补正材料',
  accept: '受理',
  refuse: '不予受理',
  approve: '审批同意',
  reject: '不予许可',
  return: '退回',
  transfer: '转交',
  suspend: '中止计时',
  resume: '恢复计时',
  'request-extension': '申请延期',
  'decide-extension': '审批延期',
  urge: '催办',
  withdraw: '撤回申请',
  expedite: '特事特办',
  conclude: '办结',
  rate: '评价',
};

export interface ApprovalActionInput {
  actor: Actor;
  action: ApprovalAction;
  /**
   * Set by the API only, after checking that the caller is a supervisor over the handling unit and
   * the case is overdue: lets that supervisor 督办 (urge) whenever the case can be urged at all.
   */
  oversight?: boolean;
}

export interface Applicant {
  name: string;
  idNumber?: string;
  phone?: string;
}

export interface StartApprovalInput {
  caseId: string;
  /** The catalogue version the case keeps for its whole life. */
  matter: { code: string; version: number; definition: MatterDefinition };
  /** The matter's steps with their units resolved at submission. */
  steps: ResolvedStep[];
  applicant: Applicant;
  channel: Channel;
  submittedBy: Actor;
  /** The township/street whose window handles the application (便民服务中心). */
  townshipId: string;
  /** The unit whose supervisors decide extensions and 特事特办 and own rectification tasks (the county). */
  supervisingUnitId: string;
  /** Material keys handed in with the application. */
  materials: string[];
  /** Uploaded scans of the materials, recorded in the submission's audit entry. */
  files?: AttachmentRef[];
  calendar: CalendarContext;
}

export interface ApprovalHistoryEntry {
  at: string;
  actorId: string;
  actorName: string | null;
  unitId: string | null;
  role: string;
  action: string;
  step: string | null;
  opinion: string | null;
}

export interface Signature {
  unitId: string;
  actorId: string;
  actorName: string | null;
  at: string;
  opinion: string;
  /** On a 会签 among people: the panel member signed for (`user:<id>` or `role:<role>`). */
  signer?: string;
  /** On a 会签 among people: the role the actor signed with. */
  role?: string;
}

/** A member of a 会签 panel within one unit, and its signature once given. */
export interface SignerView {
  key: string;
  role: string;
  /** The named person; null when anyone holding `role` in the unit may sign. */
  userId: string | null;
  displayName: string | null;
  signature: Signature | null;
}

export interface StepView {
  key: string;
  name: string;
  role: string;
  mode: string;
  unitIds: string[];
  limitDays: number | null;
  state: 'pending' | 'current' | 'done';
  signatures: Signature[];
  /** The panel of a 会签 among people (who must sign, who has); empty for other steps. */
  signers: SignerView[];
  /** Units still expected to sign the current step. */
  pendingUnitIds: string[];
  /** Unit → user the step was transferred to (转交). */
  transfers: Record<string, TransferTarget>;
}

export interface MaterialsView {
  required: { key: string; name: string; isKey: boolean; provided: boolean }[];
  provided: string[];
  missing: string[];
  /** What the one-time notice (一次性告知) listed, or null when none was given. */
  notified: string[] | null;
  /** Non-key materials accepted as missing (容缺受理). */
  tolerated: string[];
  /** Tolerated materials still not handed in. */
  outstanding: string[];
}

/** The live state returned by the case-state query and by every action. */
export interface ApprovalView {
  caseId: string;
  status: ApprovalStatus;
  statusLabel: string;
  matter: { code: string; version: number; name: string; category: string; kind: string; promisedLimitDays: number; statutoryLimitDays: number };
  applicant: { name: string; phone: string | null; idNumber: string | null };
  channel: Channel;
  townshipId: string;
  submittedBy: string;
  receiptNo: string | null;
  acceptedAt: string | null;
  materials: MaterialsView;
  /** The promised limit's deadline (承诺期限; the 特事特办 limit once expedited): null before acceptance, while suspended and once closed. */
  caseDeadline: string | null;
  /** The current step's own limit (环节时限), while it runs; null when the step has none. */
  stepDeadline: string | null;
  /** §32: the end of the window's pre-check period; no notice or decision by then counts as acceptance. */
  precheckDeadline: string | null;
  supplementDeadline: string | null;
  catchUpDeadline: string | null;
  currentStep: string | null;
  steps: StepView[];
  suspension: { kind: SuspensionKind; reason: string; by: string; at: string } | null;
  pendingExtension: { days: number; reason: string; step: string | null; by: string; at: string } | null;
  expedited: { budget: Duration; reason: string; by: string; at: string } | null;
  urgeCount: number;
  conclusion: { result: string; certificateNo: string | null; at: string } | null;
  closeReason: string | null;
  handlingUnitId: string | null;
  rating: { score: number; comment: string | null; by: string; at: string; rectificationCaseId: string | null } | null;
  history: ApprovalHistoryEntry[];
  assignments: AssignmentSnapshot[];
  clocks: ClockSnapshot[];
}

/** Every human action on an approval case: one Update with a validator; a refused action never enters history. */
export const approvalActionUpdate = defineUpdate<ApprovalView, [ApprovalActionInput]>('approvalAction');
