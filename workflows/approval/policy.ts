import type { ApplicationFailure } from '@temporalio/workflow';
import type { Material, ResolvedStep, RuleViolation } from '../../domain/catalogue';
import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import type { AssignmentSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import type { ApprovalCase } from './approval-case';
import {
  APPROVAL_ACTION_LABEL,
  APPROVAL_STATUS_LABEL,
  type ApprovalAction,
  type ApprovalActionType,
} from './definitions';
import { phaseName } from './views';

const STEP_ACTIONS: ReadonlySet<ApprovalActionType> = new Set(['approve', 'reject', 'return', 'transfer']);

export const refused = (v: RuleViolation) => caseError(CaseErrorType.RuleRefused, v.code, v.zh, v.en);
export const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);
export const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);
export const unique = (keys: readonly string[]) => [...new Set(keys)];
export const materialNames = (materials: readonly Material[], keys: readonly string[]) =>
  keys.map((k) => `“${materials.find((m) => m.key === k)?.name ?? k}”`).join('、');

/** Whether `actor` is among a step's holders: its role in one of its units, or a member of its 会签 panel. */
function mayHold(step: ResolvedStep, actor: Actor): boolean {
  if (!step.seats) return step.role === actor.role && step.unitIds.includes(actor.unitId);
  return step.seats.some((seat) =>
    seat.userId ? seat.userId === actor.userId : seat.role === actor.role && step.unitIds.includes(actor.unitId),
  );
}

/** Who may act now, with which actions: drives the inbox, and `check`. */
export function assignments(c: ApprovalCase): AssignmentSnapshot[] {
  const out: AssignmentSnapshot[] = [];
  const window = (actions: string[]) => out.push({ unitId: c.input.townshipId, role: 'window_staff', actions });
  const applicant = (actions: string[]) => out.push({ ...applicantHolder(c), actions });
  const supervisor = (actions: string[]) =>
    out.push({ unitId: c.input.supervisingUnitId, role: 'supervisor', actions });
  // 特事特办 (DOMAIN §4): a county supervisor anywhere, a township supervisor within its own township.
  const expedite = () => (c.expedited ? [] : ['expedite']);
  const townshipSupervisor = () => {
    if (c.input.townshipId !== c.input.supervisingUnitId)
      out.push({ unitId: c.input.townshipId, role: 'supervisor', actions: expedite() });
  };
  const stepHolders = (actions: string[]) => {
    const step = c.currentStep()!;
    if (step.seats) {
      // Each panel member signs in person: a named user, or whoever holds the role; no transfer.
      const panelActions = actions.filter((a) => a !== 'transfer');
      for (const seat of c.pendingSeats())
        out.push({
          unitId: step.unitIds[0]!,
          role: seat.role,
          ...(seat.userId ? { userId: seat.userId } : {}),
          actions: panelActions,
        });
      return;
    }
    for (const unitId of c.pendingUnits()) {
      const to = c.transfers[unitId];
      out.push({ unitId, role: step.role, ...(to ? { userId: to.userId } : {}), actions });
    }
  };
  const catchUp = c.outstanding().length > 0 ? ['supplement'] : [];
  const decide = c.pendingExtension ? ['decide-extension'] : [];
  switch (c.status) {
    case 'submitted':
      window(['accept', ...(c.notice ? [] : ['notify-missing']), 'refuse', 'supplement']);
      applicant(['supplement', 'withdraw']);
      break;
    case 'awaiting-supplement':
      window(['accept', 'refuse', 'supplement']);
      applicant(['supplement', 'withdraw']);
      break;
    case 'in-progress':
      stepHolders([
        'approve',
        'reject',
        ...(c.stepIndex > 0 ? ['return'] : []),
        'transfer',
        'suspend',
        ...(c.pendingExtension ? [] : ['request-extension']),
      ]);
      window(['urge', ...catchUp]);
      applicant(['withdraw', ...catchUp]);
      supervisor([...expedite(), ...decide]);
      townshipSupervisor();
      break;
    case 'suspended':
      stepHolders(['resume']);
      window(['urge', ...catchUp]);
      applicant(['withdraw', ...catchUp]);
      supervisor(decide);
      break;
    case 'awaiting-conclusion':
      window(['conclude', ...catchUp]);
      applicant(['withdraw', ...catchUp]);
      supervisor([...expedite(), ...decide]);
      townshipSupervisor();
      break;
    default:
      if (c.ratingOpen) {
        window(['rate']);
        applicant(['rate']);
      }
  }
  return mergeAssignments(out);
}
/** 409 for the wrong state (or a step no longer current), 403 for the wrong person. */
export function authorise(c: ApprovalCase, actor: Actor, action: ApprovalAction): void {
  const step = c.currentStep();
  const specific = specificConflict(c, actor, action, step);
  if (specific) throw specific;
  const open = c.assignments().filter((a) => a.actions.includes(action.type));
  if (open.length === 0) {
    throw conflict(
      'wrong-state',
      `案件当前状态为“${APPROVAL_STATUS_LABEL[c.status]}”，不能${APPROVAL_ACTION_LABEL[action.type]}`,
      `The case is ${c.status}; ${action.type} is not possible now`,
    );
  }
  if (open.some((a) => holds(a, actor))) return;
  const transferred = open.find((a) => a.unitId === actor.unitId && a.role === actor.role && a.userId !== undefined);
  if (transferred) {
    const to = c.transfers[actor.unitId];
    throw caseError(
      CaseErrorType.Forbidden,
      'transferred',
      `本环节已转交给 ${to?.displayName ?? transferred.userId} 办理`,
      `This step was transferred to ${transferred.userId}`,
    );
  }
  if (STEP_ACTIONS.has(action.type) && c.input.steps.some((s) => mayHold(s, actor))) {
    throw conflict(
      'not-current-step',
      `案件当前不在您的环节（当前：${phaseName(c) ?? APPROVAL_STATUS_LABEL[c.status]}），可能已由他人办理`,
      `The case is not at your step now (it is at: ${step?.key ?? c.status}); someone may have acted already`,
    );
  }
  throw caseError(
    CaseErrorType.Forbidden,
    'not-your-action',
    `您无权对本案件${APPROVAL_ACTION_LABEL[action.type]}`,
    `You may not ${action.type} on this case now`,
  );
}

function specificConflict(
  c: ApprovalCase,
  actor: Actor,
  action: ApprovalAction,
  step: ResolvedStep | null,
): ApplicationFailure | null {
  if (STEP_ACTIONS.has(action.type) && 'step' in action && action.step !== undefined && action.step !== step?.key) {
    return conflict(
      'not-current-step',
      `“${action.step}”不是当前环节，可能已由他人办理`,
      `Step ${action.step} is not the current step; someone may have acted already`,
    );
  }
  if (
    action.type === 'approve' &&
    step?.seats &&
    (c.signatures[c.stepIndex] ?? []).some((s) => s.actorId === actor.userId)
  ) {
    return conflict('already-signed', `您已在“${step.name}”会签`, `You have already signed step ${step.key}`);
  }
  if (action.type === 'transfer' && step?.seats && mayHold(step, actor)) {
    return rule(
      'panel-no-transfer',
      `“${step.name}”为按人员会签，须本人签署，不能转交`,
      `Step ${step.key} is signed by each panel member in person; it cannot be transferred`,
    );
  }
  if (
    action.type === 'approve' &&
    step &&
    !step.seats &&
    step.mode === 'all' &&
    actor.role === step.role &&
    (c.signatures[c.stepIndex] ?? []).some((s) => s.unitId === actor.unitId)
  ) {
    return conflict('already-signed', `本单位已在“${step.name}”会签`, `Your unit has already signed step ${step.key}`);
  }
  if (action.type === 'return' && c.status === 'in-progress' && c.stepIndex === 0) {
    return conflict('first-step', '第一个环节不能退回', 'The first step cannot be returned');
  }
  if (action.type === 'notify-missing' && c.notice) {
    return conflict('notice-given', '已作过一次性告知，不能再次告知', 'A one-time notice was already given');
  }
  if (action.type === 'request-extension' && c.pendingExtension && c.status === 'in-progress') {
    return conflict('extension-pending', '已有待审批的延期申请', 'An extension request is already pending');
  }
  if (action.type === 'rate' && c.rating)
    return conflict('already-rated', '本案件已评价', 'This case has already been rated');
  return null;
}
/** Whoever acts for the applicant: the township window, the village agent's unit, or the online user. */
function applicantHolder(c: ApprovalCase): Omit<AssignmentSnapshot, 'actions'> {
  const by = c.input.submittedBy;
  switch (c.input.channel) {
    case 'window':
      return { unitId: c.input.townshipId, role: 'window_staff' };
    case 'agent':
      return { unitId: by.unitId, role: 'agent' };
    case 'online':
      return { unitId: by.unitId, role: by.role, userId: by.userId };
  }
}
