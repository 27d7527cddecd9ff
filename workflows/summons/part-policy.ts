import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import type { AssignmentSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import { PART_ACTION_LABEL, PART_STATUS_LABEL, type PartActionType, type SummonsHolder } from './definitions';
import type { PartCase } from './part-case';

export const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);
export const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);

/** Who may act now; with `blocked`, also actions a rule will refuse (so the refusal is a 422, not a 403). */
export function assignments(c: PartCase, blocked = false): AssignmentSnapshot[] {
  const out: AssignmentSnapshot[] = [];
  const give = (holder: SummonsHolder, actions: PartActionType[]) => out.push({ ...holder, actions });
  const { dispatcher, arbiter } = c.input;
  switch (c.status) {
    case 'notified':
      give(c.liaison, ['acknowledge', 'dispute']);
      break;
    case 'acknowledged':
      give(c.liaison, ['arrive', 'dispute', ...(blocked ? (['report'] as const) : [])]);
      break;
    case 'on-site':
      give(c.liaison, ['report']);
      break;
    case 'disputed':
      give(arbiter, ['rule']);
      break;
    case 'reported':
      give(dispatcher, ['accept', 'send-back']);
      break;
    case 'accepted':
      give(dispatcher, ['rate']);
      break;
    case 'closed':
      break;
  }
  if (c.status !== 'closed' && c.status !== 'accepted') give(dispatcher, ['withdraw']);
  return mergeAssignments(out);
}

/** 409 for the wrong state, 403 for the wrong person. */
export function authorise(c: PartCase, actor: Actor, type: PartActionType): void {
  const open = c.assignments(true).filter((a) => a.actions.includes(type));
  if (open.length === 0) {
    throw conflict(
      'wrong-state',
      `召集当前状态为“${PART_STATUS_LABEL[c.status]}”，不能${PART_ACTION_LABEL[type]}`,
      `The summons part is ${c.status}; ${type} is not possible now`,
    );
  }
  if (!open.some((a) => holds(a, actor))) {
    throw caseError(
      CaseErrorType.Forbidden,
      'not-your-action',
      `您不是此召集当前环节的办理人，无权${PART_ACTION_LABEL[type]}`,
      `You may not ${type} this summons part now`,
    );
  }
}
