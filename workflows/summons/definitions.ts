import { defineSignal, defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { Rating } from '../../domain/summons';
import { caseMessages } from '../shared/definitions';
import type {
  missRecordSchema,
  partActionInputSchema,
  partActionSchema,
  partDisputeRecordSchema,
  partOutcomeSchema,
  partViewSchema,
  startPartInputSchema,
  startSummonsInputSchema,
  summonedUnitInfoSchema,
  summonsActionInputSchema,
  summonsActionSchema,
  summonsHistoryEntrySchema,
  summonsHolderSchema,
  summonsOutcomeSchema,
  summonsPartRefSchema,
  summonsViewSchema,
} from './contract';

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
export const PART_STATUSES = [
  'notified',
  'disputed',
  'acknowledged',
  'on-site',
  'reported',
  'accepted',
  'closed',
] as const;
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
export type SummonsHolder = z.infer<typeof summonsHolderSchema>;

/** A summoned county department, or a dispatched agency (派驻机构) with its owning department. */
export type SummonedUnitInfo = z.infer<typeof summonedUnitInfoSchema>;

/** Everything a whistle needs for its whole life, checked against the rules and frozen when blown. */
export type StartSummonsInput = z.infer<typeof startSummonsInputSchema>;

export type SummonsAction = z.infer<typeof summonsActionSchema>;
export type SummonsActionType = SummonsAction['type'];

export const SUMMONS_ACTION_LABEL: Record<SummonsActionType, string> = {
  approve: '批准吹哨',
  reject: '不予批准',
  close: '办结',
};

export type SummonsActionInput = z.infer<typeof summonsActionInputSchema>;

/** What a part reports to its summons when it ends. */
export type PartOutcome = z.infer<typeof partOutcomeSchema>;

/** What a summons returns: an L3 incident resumes with it (`aborted`: the workflow failed or was terminated). */
export type SummonsOutcome = z.infer<typeof summonsOutcomeSchema>;

export type SummonsHistoryEntry = z.infer<typeof summonsHistoryEntrySchema>;

/** A part as the summons knows it: started, and its outcome once ended. */
export type SummonsPartRef = z.infer<typeof summonsPartRefSchema>;

export type SummonsView = z.infer<typeof summonsViewSchema>;

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
export type StartPartInput = z.infer<typeof startPartInputSchema>;

export type PartAction = z.infer<typeof partActionSchema>;
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

export type PartActionInput = z.infer<typeof partActionInputSchema>;

export type MissRecord = z.infer<typeof missRecordSchema>;

export type DisputeRecord = z.infer<typeof partDisputeRecordSchema>;

export type PartView = z.infer<typeof partViewSchema>;

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
/** Blowing a whistle (update-with-start) and reading it. */
export const summonsCase = caseMessages<StartSummonsInput, SummonsView>('summonsWorkflow');

/** Reading a summoned unit's part (its opening update answers once its first transition is stored). */
export const summonsPartCase = caseMessages<StartPartInput, PartView>('summonsPartWorkflow');

export const summonsActionUpdate = defineUpdate<SummonsView, [SummonsActionInput]>('summonsAction');

/**
 * Sent by a part to its whistle as it ends, before its end is written (so before any record shows
 * it ended): the whistle then lets a close wait for that part's result rather than refuse it.
 */
export const partEndingSignal = defineSignal<[PartOutcome]>('summonsPartEnding');

/**
 * Answers once the whistle has started the part with this case id (a re-summoned unit's, started
 * when the disputed part's result arrives): true, or false when it did not start within
 * `PART_WAIT_MS`. Changes nothing.
 */
export const partStartedUpdate = defineUpdate<boolean, [string]>('summonsPartStarted');

/**
 * How long a whistle waits, inside an accepted Update, for a part's result or start that is on its
 * way: well within the API's answer deadline, so a part that never arrives is a refusal, not a 503.
 */
export const PART_WAIT_MS = 20_000;

/** Human actions on one summoned unit's part: one Update with a validator. */
export const partActionUpdate = defineUpdate<PartView, [PartActionInput]>('summonsPartAction');

/** The deterministic id of a unit's part of a summons. */
export function partCaseId(summonsId: string, unitId: string): string {
  return `${summonsId}.${unitId}`;
}
