import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import type { AssignmentSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import {
  SUMMONS_ACTION_LABEL,
  SUMMONS_STATUS_LABEL,
  type SummonedUnitInfo,
  type SummonsActionType,
  type SummonsHolder,
} from './definitions';
import type { SummonsCase } from './summons-case';

/** Who may act now; with `blocked`, also a close its open parts will refuse (so the refusal is a 422, not a 403). */
export function assignments(c: SummonsCase, blocked = false): AssignmentSnapshot[] {
  const out: AssignmentSnapshot[] = [];
  const give = (holder: SummonsHolder, actions: SummonsActionType[]) => out.push({ ...holder, actions });
  if (c.status === 'awaiting-approval') c.input.approvers.forEach((a) => give(a, ['approve', 'reject']));
  if (c.status === 'summoning' && (blocked || c.openParts.length === 0)) give(c.input.dispatcher, ['close']);
  return mergeAssignments(out);
}

/** 409 for the wrong state, 403 for the wrong person. */
export function authorise(c: SummonsCase, actor: Actor, type: SummonsActionType): void {
  const open = assignments(c, true).filter((a) => a.actions.includes(type));
  if (open.length === 0) {
    throw caseError(
      CaseErrorType.InvalidState,
      'wrong-state',
      `吹哨当前状态为“${SUMMONS_STATUS_LABEL[c.status]}”，不能${SUMMONS_ACTION_LABEL[type]}`,
      `The summons is ${c.status}; ${type} is not possible now`,
    );
  }
  if (!open.some((a) => holds(a, actor))) {
    const leaderOnly = type === 'approve' || type === 'reject';
    throw caseError(
      CaseErrorType.Forbidden,
      leaderOnly ? 'leader-approval-required' : 'not-your-action',
      leaderOnly
        ? '吹哨须经乡镇（街道）领导审批，您无权审批'
        : `您不是此吹哨的办理人，无权${SUMMONS_ACTION_LABEL[type]}`,
      leaderOnly
        ? 'A whistle needs the approval of a township leader; you may not approve it'
        : `You may not ${type} this summons`,
    );
  }
}

/**
 * The units whose parts keep a whistle from closing (事不完、人不撤). Applying a close, every part
 * still open. Checking one (`waiting`), a part that told the whistle it is ending does not count
 * (the close waits for its result), unless its upheld dispute re-summoned a unit: that unit's new
 * part will be open.
 */
export function unitsBlockingClose(c: SummonsCase, waiting: boolean): SummonedUnitInfo[] {
  return c.openParts.flatMap((p) => {
    const ending = waiting ? c.endingOf(p.caseId) : undefined;
    if (!ending) return [p.unit];
    return ending.resummon ? [ending.resummon] : [];
  });
}

export function requireClosable(units: readonly SummonedUnitInfo[]): void {
  if (units.length === 0) return;
  throw caseError(
    CaseErrorType.RuleRefused,
    'summons-parts-open',
    `事不完、人不撤：${units.map((u) => u.name).join('、')} 的召集尚未验收评价或结束，不能办结`,
    `Parts still open (${units.map((u) => u.unitId).join(', ')}): every summoned unit's part must be accepted and rated, released or withdrawn first`,
  );
}
