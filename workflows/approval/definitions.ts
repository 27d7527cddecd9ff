import { defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { CHANNELS } from '../../domain/catalogue';
import { caseMessages } from '../shared/definitions';
import type {
  applicantSchema,
  approvalActionInputSchema,
  approvalActionSchema,
  startApprovalInputSchema,
  transferTargetSchema,
} from './contract';
import type {
  approvalHistoryEntrySchema,
  approvalViewSchema,
  materialsViewSchema,
  signatureSchema,
  signerViewSchema,
  stepViewSchema,
} from './contract-views';

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
export const SUSPENSION_KIND_LABEL: Record<SuspensionKind, string> = {
  hearing: '听证',
  inspection: '检验',
  testing: '检测',
  'expert-review': '专家评审',
};

/** Natural-time units an expedited (特事特办) case may be given. */
export const EXPEDITE_UNITS = ['minute', 'hour', 'day'] as const;

/** A user a step is transferred to (转交), as the API resolved it from the user table. */
export type TransferTarget = z.infer<typeof transferTargetSchema>;
/** Every human action on an approval case, as the Update carries it. */
export type ApprovalAction = z.infer<typeof approvalActionSchema>;
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

export type ApprovalActionInput = z.infer<typeof approvalActionInputSchema>;
export type Applicant = z.infer<typeof applicantSchema>;
export type StartApprovalInput = z.infer<typeof startApprovalInputSchema>;
export type ApprovalHistoryEntry = z.infer<typeof approvalHistoryEntrySchema>;
export type Signature = z.infer<typeof signatureSchema>;
/** A member of a 会签 panel within one unit, and its signature once given. */
export type SignerView = z.infer<typeof signerViewSchema>;
export type StepView = z.infer<typeof stepViewSchema>;
export type MaterialsView = z.infer<typeof materialsViewSchema>;
/** The live state returned by the case-state query and by every action. */
export type ApprovalView = z.infer<typeof approvalViewSchema>;

/** Submitting an application (update-with-start) and reading its case. */
export const approvalCase = caseMessages<StartApprovalInput, ApprovalView>('approvalWorkflow');

/** Every human action on an approval case: one Update with a validator; a refused action never enters history. */
export const approvalActionUpdate = defineUpdate<ApprovalView, [ApprovalActionInput]>('approvalAction');
