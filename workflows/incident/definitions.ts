import { defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import type { IncidentSource, Satisfaction } from '../../domain/incident';
import { caseMessages } from '../shared/definitions';
import type {
  callbackRecordSchema,
  hotlineOrderSchema,
  incidentActionInputSchema,
  incidentActionSchema,
  incidentDisputeRecordSchema,
  incidentHistoryEntrySchema,
  incidentHolderSchema,
  incidentSummonsRefSchema,
  incidentViewSchema,
  lateUnitSchema,
  startIncidentInputSchema,
} from './contract';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * A grid incident (网格事件, DOMAIN §5), possibly a 12345 hotline order (§6): reported → dispatched
 * to the current level's unit → signed for (or disputed back to the dispatcher) → handled →
 * resolved with evidence → verified on site → closed → called back; escalated by hand (上报) or
 * automatically when a level's limit expires; reopened (重办) on failed verification or an
 * unsatisfied callback. At L3 the township may blow the whistle (吹哨, workflows/summons): the event
 * waits in `summoning`, its level clock paused, and resumes with the summons' outcome.
 */
export const INCIDENT_STATUSES = [
  'dispatched',
  'disputed',
  'handling',
  'summoning',
  'verifying',
  'awaiting-callback',
  'closed',
] as const;
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
export type IncidentHolder = z.infer<typeof incidentHolderSchema>;

/** Every action on an incident, as the Update carries it (`whistle` is sent by the summons API only). */
export type IncidentAction = z.infer<typeof incidentActionSchema>;

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

export type IncidentActionInput = z.infer<typeof incidentActionInputSchema>;

export type HotlineOrder = z.infer<typeof hotlineOrderSchema>;

/** Everything an event needs for its whole life, resolved and frozen at report time. */
export type StartIncidentInput = z.infer<typeof startIncidentInputSchema>;

/** A dispatch dispute (派单异议) and, once the dispatcher (for a 12345 order: its sender) re-dispatched, the decision. */
export type DisputeRecord = z.infer<typeof incidentDisputeRecordSchema>;

export type LateUnit = z.infer<typeof lateUnitSchema>;

export type IncidentHistoryEntry = z.infer<typeof incidentHistoryEntrySchema>;

export type CallbackRecord = z.infer<typeof callbackRecordSchema>;

/** A whistle blown from the event, and its outcome once it ended. */
export type IncidentSummonsRef = z.infer<typeof incidentSummonsRefSchema>;

/** The live state returned by the case-state query and by every action. */
export type IncidentView = z.infer<typeof incidentViewSchema>;

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

/** Reporting an event (update-with-start) and reading it. */
export const incidentCase = caseMessages<StartIncidentInput, IncidentView>('incidentWorkflow');

/** Every human action on an incident: one Update with a validator; a refused action never enters history. */
export const incidentActionUpdate = defineUpdate<IncidentView, [IncidentActionInput]>('incidentAction');
