import { defineUpdate } from '@temporalio/workflow';
import type { Complexity, Rating, SummonsLimits, SummonsUrgency } from '../../domain/summons';
import type { Actor } from '../shared/actor';
import type { CalendarContext } from '../shared/case-clocks';
import type { AssignmentSnapshot, ClockSnapshot } from '../shared/case-snapshot';
import type { AttachmentRef } from '../shared/attachments';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * A whistle (吹哨, DOMAIN §6): blown by a township dispatcher, approved (or rejected) by a township
 * leader, then summoning 1..N departments or dispatched agencies — each its own child workflow
 * (`summonsPartWorkflow`, id `<summons id>.<unit id>`) — and closed by the township once every
 * part has ended. A part whose dispute the county upheld may be replaced by a re-summoned unit.
 */
export const SUMMONS_STATUSES = ['awaiting-approval', 'rejected', 'summoning', 'closed'] as const;
export type SummonsStatus = (typeof SUMMONS_STATUSES)[number];

export const SUMMONS_STATUS_LABEL: Record<SummonsStatus, string> = {
  'awaiting-approval': '待领导审批',
  rejected: '领导未批准',
  summoning: '吹哨中（部门报到）',
  closed: '已办结',
};

/**
 * One summoned unit's part (部门报到): notified → 报到 (acknowledge) within the response limit →
 * on site → result reported within the handling limit → accepted or sent back (事不完、人不撤) →
 * rated. A dispute ("not our duty") waits for the county command centre's ruling.
 */
export const PART_STATUSES = ['notified', 'disputed', 'acknowledged', 'on-site', 'reported', 'accepted', 'closed'] as const;
export type PartStatus = (typeof PART_STATUSES)[number];

export const PART_STATUS_LABEL: Record<PartStatus, string> = {
  notified: '待报到',
  disputed: '职责异议，待县综合指挥中心裁定',
  acknowledged: '已报到，待到场',
  'on-site': '已到场处置',
  reported: '已反馈结果，待乡镇验收',
  accepted: '已验收，待评价',
  closed: '已结束',
};

/** How a part ended: accepted and rated, released by an upheld dispute, or withdrawn by the township. */
export const PART_OUTCOMES = ['completed', 'released', 'withdrawn'] as const;
export type PartOutcomeKind = (typeof PART_OUTCOMES)[number];

/** Any user with `role` in `unitId`, or only `userId` when named. */
export interface SummonsHolder {
  unitId: string;
  role: string;
  userId?: string;
}

/** A summoned county department, or a dispatched agency (派驻机构) with its owning department. */
export interface SummonedUnitInfo {
  unitId: string;
  name: string;
  kind: 'department' | 'agency';
  departmentId: string;
}

/** Everything a whistle needs for its whole life, checked against the rules and frozen when blown. */
export interface StartSummonsInput {
  caseId: string;
  title: string;
  description: string;
  reason: { code: string; name: string };
  urgency: SummonsUrgency;
  complexity: Complexity;
  keyTask: string | null;
  powerItemCodes: string[];
  withinCapacity: boolean;
  township: { unitId: string; path: string; name: string };
  /** The L3 incident the whistle was raised from; it waits for the outcome. */
  incidentId: string | null;
  units: SummonedUnitInfo[];
  /** The township dispatcher (closes, accepts, sends back, rates). */
  dispatcher: SummonsHolder;
  /** The township leaders who may approve (a named user each). */
  approvers: SummonsHolder[];
  /** The county command centre (rules on disputes, receives 督办). */
  arbiter: SummonsHolder;
  limits: SummonsLimits;
  whistledBy: Actor;
  calendar: CalendarContext;
}

export type SummonsAction = { type: 'approve'; note?: string } | { type: 'reject'; reason: string } | { type: 'close'; summary: string };
export type SummonsActionType = SummonsAction['type'];

export const SUMMONS_ACTION_LABEL: Record<SummonsActionType, string> = { approve: '批准吹哨', reject: '不予批准', close: '办结' };

export interface SummonsActionInput {
  actor: Actor;
  action: SummonsAction;
}

/** What a part reports to its summons when it ends. */
export interface PartOutcome {
  caseId: string;
  unitId: string;
  outcome: PartOutcomeKind;
  rating: Rating | null;
  /** Set when the county upheld a dispute and re-summoned another unit. */
  resummon: SummonedUnitInfo | null;
  endedAt: string;
}

/** What a summons returns: an L3 incident resumes with it (`aborted`: the workflow failed or was terminated). */
export interface SummonsOutcome {
  caseId: string;
  status: 'closed' | 'rejected' | 'aborted';
  summary: string | null;
  parts: PartOutcome[];
}

export interface SummonsHistoryEntry {
  at: string;
  actorId: string;
  unitId: string | null;
  role: string;
  action: string;
  note: string | null;
}

/** A part as the summons knows it: started, and its outcome once ended. */
export interface SummonsPartRef {
  caseId: string;
  unit: SummonedUnitInfo;
  replaces: string | null;
  startedAt: string;
  outcome: PartOutcome | null;
}

export interface SummonsView extends Pick<StartSummonsInput, 'caseId' | 'title' | 'description' | 'reason' | 'urgency' | 'complexity' | 'keyTask' | 'incidentId'> {
  status: SummonsStatus;
  statusLabel: string;
  townshipId: string;
  whistledBy: string;
  approval: { by: string; at: string; approved: boolean; note: string | null } | null;
  parts: SummonsPartRef[];
  summary: string | null;
  closedAt: string | null;
  history: SummonsHistoryEntry[];
  assignments: AssignmentSnapshot[];
}

/** Facts for statistics: one row per whistle, written with every transition. */
export interface SummonsFactsRecord {
  caseId: string;
  seq: number;
  townshipId: string;
  townshipPath: string;
  incidentId: string | null;
  reasonCode: string;
  urgencyCode: string;
  complexity: string;
  status: SummonsStatus;
  unitCount: number;
  whistledBy: string;
  whistledAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  rejectedBy: string | null;
  rejectedAt: string | null;
  rejectedReason: string | null;
  closedAt: string | null;
}

/** Everything a part needs, frozen when its summons (or a re-summons) starts it. */
export type StartPartInput = Pick<StartSummonsInput, 'title' | 'description' | 'reason' | 'township' | 'urgency' | 'complexity' | 'limits' | 'dispatcher' | 'arbiter' | 'calendar'> & {
  caseId: string;
  summonsId: string;
  unit: SummonedUnitInfo;
  /** The part (case id) this one replaces after an upheld dispute. */
  replaces: string | null;
};

export type PartAction =
  | { type: 'acknowledge'; note?: string }
  | { type: 'arrive'; note?: string }
  | { type: 'report'; result: string; evidence: string[]; files?: AttachmentRef[] }
  | { type: 'dispute'; reason: string }
  | { type: 'rule'; upheld: boolean; note: string; resummon?: SummonedUnitInfo }
  | { type: 'accept'; note?: string; rating?: Rating; comment?: string }
  | { type: 'send-back'; reason: string }
  | { type: 'rate'; rating: Rating; comment?: string }
  | { type: 'withdraw'; reason: string; rating?: Rating; comment?: string };
export type PartActionType = PartAction['type'];

export const PART_ACTION_LABEL: Record<PartActionType, string> = {
  acknowledge: '报到',
  arrive: '到场',
  report: '反馈结果',
  dispute: '职责异议',
  rule: '裁定异议',
  accept: '验收',
  'send-back': '退回重办',
  rate: '评价',
  withdraw: '撤回召集',
};

export interface PartActionInput {
  actor: Actor;
  action: PartAction;
}

export interface MissRecord {
  ordinal: number;
  kind: 'acknowledge' | 'result';
  deadline: string;
  at: string;
  redCard: boolean;
}

export interface DisputeRecord {
  ordinal: number;
  reason: string;
  raisedBy: string;
  raisedAt: string;
  ruling: 'upheld' | 'rejected' | null;
  ruledBy: string | null;
  ruledAt: string | null;
  ruleNote: string | null;
  resummonedUnitId: string | null;
  /** Raised → ruled; while pending, the view shows the time so far. */
  disputedMs: number | null;
}

export interface PartView {
  caseId: string;
  summonsId: string;
  status: PartStatus;
  statusLabel: string;
  title: string;
  description: string;
  reason: { code: string; name: string };
  unit: SummonedUnitInfo;
  townshipId: string;
  urgency: SummonsUrgency;
  complexity: Complexity;
  replaces: string | null;
  notifiedAt: string;
  ackDeadline: string | null;
  acknowledgedAt: string | null;
  ackOnTime: boolean | null;
  onSiteAt: string | null;
  resultDeadline: string | null;
  result: { text: string; evidence: string[]; at: string } | null;
  resultOnTime: boolean | null;
  sendBacks: { reason: string; at: string }[];
  acceptedAt: string | null;
  misses: MissRecord[];
  redCard: boolean;
  disputes: DisputeRecord[];
  /** Total time in dispute, including a pending one up to now. */
  disputedMs: number;
  rating: { rating: Rating; comment: string | null; by: string; at: string } | null;
  outcome: PartOutcomeKind | null;
  endedAt: string | null;
  history: SummonsHistoryEntry[];
  assignments: AssignmentSnapshot[];
  clocks: ClockSnapshot[];
}

/** Facts for statistics and assessment: one row per part, with its misses and disputes. */
export interface PartFactsRecord {
  caseId: string;
  summonsId: string;
  seq: number;
  unitId: string;
  unitKind: string;
  departmentId: string;
  townshipId: string;
  townshipPath: string;
  replacesCaseId: string | null;
  status: PartStatus;
  outcome: PartOutcomeKind | null;
  urgencyCode: string;
  notifiedAt: string;
  ackDeadline: string | null;
  acknowledgedAt: string | null;
  ackOnTime: boolean | null;
  onSiteAt: string | null;
  resultDeadline: string | null;
  resultReportedAt: string | null;
  resultOnTime: boolean | null;
  sendBacks: number;
  acceptedAt: string | null;
  redCard: boolean;
  redCardAt: string | null;
  disputedMs: number;
  rating: Rating | null;
  ratingComment: string | null;
  ratedBy: string | null;
  ratedAt: string | null;
  endedAt: string | null;
  misses: MissRecord[];
  disputes: DisputeRecord[];
}

/** Human actions on a whistle (approve, reject, close): one Update with a validator. */
export const summonsActionUpdate = defineUpdate<SummonsView, [SummonsActionInput]>('summonsAction');

/** Human actions on one summoned unit's part: one Update with a validator. */
export const partActionUpdate = defineUpdate<PartView, [PartActionInput]>('summonsPartAction');

/** The deterministic id of a unit's part of a summons. */
export function partCaseId(summonsId: string, unitId: string): string {
  return `${summonsId}.${unitId}`;
}
