import { defineUpdate } from '@temporalio/workflow';
import type { Duration } from '../../domain/calendar';
import type { IncidentLevelNo, IncidentLimit, IncidentSource, Satisfaction } from '../../domain/incident';
import type { Actor } from '../shared/actor';
import type { AttachmentRef } from '../shared/attachments';
import type { CalendarContext } from '../shared/case-clocks';
import type { StartSummonsInput, SummonsOutcome } from '../summons/definitions';
import type { AssignmentSnapshot, ClockSnapshot } from '../shared/case-snapshot';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * A grid incident (网格事件, DOMAIN §5), possibly a 12345 hotline order (§6): reported → dispatched
 * to the current level's unit → signed for (or disputed back to the dispatcher) → handled →
 * resolved with evidence → verified on site → closed → called back; escalated by hand (上报) or
 * automatically when a level's limit expires; reopened (重办) on failed verification or an
 * unsatisfied callback. At L3 the township may blow the whistle (吹哨, workflows/summons): the event
 * waits in `summoning`, its level clock paused, and resumes with the summons' outcome.
 */
export const INCIDENT_STATUSES = ['dispatched', 'disputed', 'handling', 'summoning', 'verifying', 'awaiting-callback', 'closed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_STATUS_LABEL: Record<IncidentStatus, string> = {
  dispatched: '待签收',
  disputed: '派单异议，待改派',
  handling: '处置中',
  summoning: '吹哨中，待部门报到处置',
  verifying: '待核查',
  'awaiting-callback': '已结案，待回访',
  closed: '已办结',
};

/** Who holds an assignment: any user with `role` in `unitId`. */
export interface IncidentHolder {
  unitId: string;
  role: string;
}

export type IncidentAction =
  | { type: 'sign'; note?: string }
  | { type: 'dispute'; reason: string; basis?: string }
  | { type: 'dispatch'; to: IncidentHolder; note?: string }
  | { type: 'escalate'; reason: string; toLevel?: IncidentLevelNo }
  /** Needs a photo among `files`, or `noPhotoReason` (checked by the validator only: older histories resolved without). */
  | { type: 'resolve'; result: string; evidence: string[]; files?: AttachmentRef[]; noPhotoReason?: string }
  | { type: 'verify'; passed: boolean; note: string; evidence?: string[]; files?: AttachmentRef[] }
  | { type: 'callback'; satisfaction: Satisfaction; resolved: boolean; note?: string }
  | { type: 'extend'; amount: number; reason: string }
  /** 督办 by a supervisor of the event's township or county: a notice to the holding unit and its leader. */
  | { type: 'urge'; message: string }
  /** Sent by the summons API only: the whistle was checked against the rules; the event starts it as a child. */
  | { type: 'whistle'; summons: StartSummonsInput };

export type IncidentActionType = IncidentAction['type'];

export const INCIDENT_ACTION_LABEL: Record<IncidentActionType, string> = {
  sign: '签收',
  dispute: '派单异议',
  dispatch: '派单',
  escalate: '上报',
  resolve: '办结',
  verify: '核查',
  callback: '回访',
  extend: '延期',
  urge: '督办',
  whistle: '吹哨',
};

export interface IncidentActionInput {
  actor: Actor;
  action: IncidentAction;
}

export interface HotlineOrder {
  orderType: string;
  orderTypeName: string;
  limit: Duration;
  requester: { name: string; phone?: string };
  orderNo?: string;
}

/** Everything an event needs for its whole life, resolved and frozen at report time. */
export interface StartIncidentInput {
  caseId: string;
  title: string;
  description: string;
  source: IncidentSource;
  category: { code: string; name: string };
  urgency: { code: string; name: string; mayJump: boolean };
  location: { address: string; lat?: number; lng?: number };
  attachments: string[];
  /** Uploaded photos and files of the report (随手拍), recorded in its audit entry. */
  files?: AttachmentRef[];
  territory: { gridId: string; gridPath: string; villageId: string; townshipId: string; countyId: string };
  startLevel: IncidentLevelNo;
  /** Index = level − 1: the routed handling unit, each level's dispatcher, limit and on-site verifier. */
  routes: IncidentHolder[];
  dispatchers: IncidentHolder[];
  limits: IncidentLimit[];
  verifiers: IncidentHolder[];
  /** Who calls the requester back (回访), when this source is called back at all. */
  callback: IncidentHolder | null;
  hotline: HotlineOrder | null;
  reportedBy: Actor;
  calendar: CalendarContext;
  /** How long after a dispatch its unit may dispute it (派单异议); absent for events started before the rule. */
  disputeWindow?: Duration;
}

/** A dispatch dispute (派单异议) and, once the dispatcher (for a 12345 order: its sender) re-dispatched, the decision. */
export interface DisputeRecord {
  unitId: string;
  reason: string;
  basis: string | null;
  at: string;
  /** upheld: re-assigned to another unit; rejected: sent back to the disputing unit. */
  ruling: 'upheld' | 'rejected' | null;
  ruledBy: string | null;
  ruledAt: string | null;
}

export interface LateUnit {
  level: IncidentLevelNo;
  unitId: string;
  deadline: string | null;
  at: string;
}

export interface IncidentHistoryEntry {
  at: string;
  actorId: string;
  unitId: string | null;
  role: string;
  action: string;
  level: IncidentLevelNo;
  note: string | null;
}

export interface CallbackRecord {
  satisfaction: Satisfaction;
  resolved: boolean;
  note: string | null;
  by: string;
  at: string;
  /** Made because the 12345 deadline passed before the event closed. */
  atDeadline: boolean;
}

/** A whistle blown from the event, and its outcome once it ended. */
export interface IncidentSummonsRef {
  caseId: string;
  at: string;
  outcome: SummonsOutcome | null;
}

/** The live state returned by the case-state query and by every action. */
export interface IncidentView {
  caseId: string;
  status: IncidentStatus;
  statusLabel: string;
  title: string;
  description: string;
  source: IncidentSource;
  category: { code: string; name: string };
  urgency: { code: string; name: string };
  location: StartIncidentInput['location'];
  attachments: string[];
  gridId: string;
  level: IncidentLevelNo;
  assignee: IncidentHolder;
  /** 首接: for a 12345 order, the unit it was first dispatched to, whoever signs for it later. */
  firstReceiverUnitId: string | null;
  /** The end of the current dispatch's dispute window, while its unit may dispute (null otherwise). */
  disputeDeadline: string | null;
  escalations: { from: IncidentLevelNo; to: IncidentLevelNo; automatic: boolean; reason: string; at: string }[];
  lateUnits: LateUnit[];
  disputes: DisputeRecord[];
  resolution: { level: IncidentLevelNo; unitId: string; result: string; evidence: string[]; noPhotoReason?: string; at: string } | null;
  finalLevel: IncidentLevelNo | null;
  verifications: { passed: boolean; note: string; by: string; at: string }[];
  callbacks: CallbackRecord[];
  reopens: number;
  redCard: boolean;
  /** 督办 notices sent by supervisors (the red card's automatic 督办 is not counted here). */
  urgeCount: number;
  /** Whistles blown from this event (L3), with their outcome once closed or rejected. */
  summonses: IncidentSummonsRef[];
  /** `sender`: who sent the order and decides its disputes (派单异议), re-assigning it. */
  hotline: (HotlineOrder & { deadline: string | null; overdue: boolean; callbackDue: boolean; sender: IncidentHolder }) | null;
  closedAt: string | null;
  history: IncidentHistoryEntry[];
  assignments: AssignmentSnapshot[];
  clocks: ClockSnapshot[];
}

/** Facts the statistics count; written by an activity with every transition. */
export interface IncidentFactsRecord {
  caseId: string;
  seq: number;
  categoryCode: string;
  urgencyCode: string;
  source: IncidentSource;
  gridId: string;
  gridPath: string;
  unitIds: string[];
  status: IncidentStatus;
  startLevel: number;
  currentLevel: number;
  finalLevel: number | null;
  escalations: number;
  autoEscalations: number;
  lateUnits: { level: number; unitId: string; deadline: string | null }[];
  reopens: number;
  onTime: boolean | null;
  redCard: boolean;
  satisfaction: Satisfaction | null;
  reportedAt: string;
  resolvedAt: string | null;
  closedAt: string | null;
  hotlineType: string | null;
  hotlineResponded: boolean | null;
  hotlineResolved: boolean | null;
}

/** Every human action on an incident: one Update with a validator; a refused action never enters history. */
export const incidentActionUpdate = defineUpdate<IncidentView, [IncidentActionInput]>('incidentAction');
