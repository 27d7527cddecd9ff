import { CalendarYearMissingError } from '../../domain/calendar';
import { disputeDeadline as windowEnd, TOP_LEVEL, type IncidentLevelNo } from '../../domain/incident';
import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import type { AssignmentSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import {
  INCIDENT_ACTION_LABEL,
  INCIDENT_STATUS_LABEL,
  type IncidentActionType,
  type IncidentHolder,
  type IncidentStatus,
} from './definitions';
import type { IncidentCase } from './incident-case';

/** States in which the current level's unit is working on the event and its clock runs. */
export const OPEN: ReadonlySet<IncidentStatus> = new Set(['dispatched', 'disputed', 'handling', 'summoning']);
/** States in which a supervisor may send 督办 (someone is expected to act and a clock runs). */
const URGEABLE: ReadonlySet<IncidentStatus> = new Set(['dispatched', 'disputed', 'handling', 'verifying']);
/** The level at which the township may blow the whistle (DOMAIN §5: 难事不出乡). */
export const WHISTLE_LEVEL: IncidentLevelNo = 3;

export const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);
export const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);

/** Who may act now; with `blocked`, also actions that a rule will refuse (so the refusal is a 422, not a 403). */
export function assignments(c: IncidentCase, blocked = false): AssignmentSnapshot[] {
  const out: AssignmentSnapshot[] = [];
  const give = (holder: IncidentHolder | null, actions: IncidentActionType[]) =>
    holder && out.push({ ...holder, actions });
  const levelDispatcher = dispatcher(c, c.level);
  const canEscalate: IncidentActionType[] = c.level < TOP_LEVEL || blocked ? ['escalate'] : [];
  const canWhistle: IncidentActionType[] = c.level === WHISTLE_LEVEL || blocked ? ['whistle'] : [];
  const orderSender = c.senderDecides ? sender(c) : null;
  switch (c.status) {
    case 'dispatched':
      give(c.assignee, ['sign', 'dispute', ...canEscalate]);
      give(levelDispatcher, ['dispatch', ...canEscalate, ...canWhistle]);
      give(orderSender, ['dispatch']);
      break;
    case 'disputed':
      // A 12345 order's dispute is decided by its sender (the command centre), anywhere in the county.
      if (orderSender) give(orderSender, ['dispatch']);
      else give(levelDispatcher, ['dispatch', ...canEscalate]);
      break;
    case 'handling':
      give(c.assignee, ['resolve', ...canEscalate]);
      give(levelDispatcher, [...canEscalate, ...canWhistle]);
      break;
    case 'summoning':
      break;
    case 'verifying':
      give(verifier(c), ['verify']);
      break;
    case 'awaiting-callback':
      give(c.input.callback, ['callback']);
      break;
    case 'closed':
      break;
  }
  if (c.input.hotline && OPEN.has(c.status)) {
    give(c.input.callback, ['extend', ...(c.callbackDue ? (['callback'] as const) : [])]);
  }
  // 督办: the supervisors of the event's township (while it is handled in the township) and county.
  if (URGEABLE.has(c.status)) {
    if (c.level < TOP_LEVEL) give({ unitId: c.input.territory.townshipId, role: 'supervisor' }, ['urge']);
    give({ unitId: c.input.territory.countyId, role: 'supervisor' }, ['urge']);
  }
  return mergeAssignments(out);
}

/** 409 for the wrong state, 403 for the wrong person. */
export function authorise(c: IncidentCase, actor: Actor, type: IncidentActionType): void {
  const open = c.assignments(true).filter((a) => a.actions.includes(type));
  if (open.length === 0) {
    throw conflict(
      'wrong-state',
      `事件当前状态为“${INCIDENT_STATUS_LABEL[c.status]}”，不能${INCIDENT_ACTION_LABEL[type]}`,
      `The incident is ${c.status}; ${type} is not possible now`,
    );
  }
  if (!open.some((a) => holds(a, actor))) {
    throw caseError(
      CaseErrorType.Forbidden,
      'not-your-action',
      `您不是此事件当前环节的办理人，无权${INCIDENT_ACTION_LABEL[type]}`,
      `You may not ${type} this incident now`,
    );
  }
}

/** Who sent a 12345 order (the dispatcher who entered it, normally the county command centre); null for other events. */
export function sender(c: IncidentCase): IncidentHolder | null {
  const by = c.input.reportedBy;
  return c.input.hotline ? { unitId: by.unitId, role: by.role } : null;
}

/** The end of the dispute window while the dispatched unit may still dispute; null otherwise or when the calendar cannot say. */
export function disputeDeadline(c: IncidentCase): string | null {
  const window = c.input.disputeWindow;
  if (!window || c.status !== 'dispatched') return null;
  try {
    return windowEnd(window, c.dispatchedAt, c.clocks.workingCalendar).toISOString();
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return null;
    throw err;
  }
}

export function route(c: IncidentCase, level: IncidentLevelNo): IncidentHolder {
  return c.input.routes[level - 1]!;
}

export function dispatcher(c: IncidentCase, level: IncidentLevelNo): IncidentHolder {
  return c.input.dispatchers[level - 1]!;
}

/** The on-site verifier for the level that resolved the event. */
export function verifier(c: IncidentCase): IncidentHolder {
  return c.input.verifiers[(c.resolution?.level ?? c.level) - 1]!;
}
