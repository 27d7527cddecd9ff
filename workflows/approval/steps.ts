import type { ResolvedSigner, ResolvedStep } from '../../domain/catalogue';
import type { Actor } from '../shared/actor';
import type { ClockChange } from '../shared/clock-plan';
import { noticesTo } from '../shared/notices';
import type { ApprovalCase, Outcome, Plan } from './approval-case';
import { running, startStepClock, stepClockKey, stop } from './clocks';
import type { Signature, TransferTarget } from './definitions';
import { conflict, rule } from './policy';

// Planners of the steps after acceptance (approve, return, transfer) and the 催办 (urge). Each checks
// and returns a plan that changes nothing until committed (see clock-plan.ts). The planners that
// change the time limit are in deadlines.ts, the conclusion and the rating in conclusion.ts.

export function planApprove(c: ApprovalCase, actor: Actor, opinion: string, now: number): Plan {
  const index = c.stepIndex;
  const step = c.input.steps[index]!;
  const seat = step.seats ? seatFor(c, step, actor) : undefined;
  const signature: Signature = {
    unitId: actor.unitId,
    actorId: actor.userId,
    actorName: actor.displayName ?? null,
    at: new Date(now).toISOString(),
    opinion,
    ...(seat ? { signer: seat.key, role: actor.role } : {}),
  };
  const signed = [...(c.signatures[index] ?? []), signature];
  const complete = step.seats
    ? step.seats.every((k) => signed.some((s) => s.signer === k.key))
    : step.mode !== 'all' || step.unitIds.every((u) => signed.some((s) => s.unitId === u));
  const next = complete ? c.input.steps[index + 1] : undefined;
  const clocks: ClockChange[] = [];
  if (complete && running(c, stepClockKey(step)))
    clocks.push(stop(c, stepClockKey(step), now, '环节办结', actor.userId));
  if (next?.limitDays) clocks.push(startStepClock(c, next, now, actor.userId));
  return {
    clocks,
    commit: () => {
      c.signatures[index] = signed;
      if (!complete)
        return { note: `会签同意（${signed.length}/${step.seats?.length ?? step.unitIds.length}）：${opinion}` };
      c.transfers = {};
      if (next) {
        c.stepIndex = index + 1;
        return { note: `同意，转入“${next.name}”：${opinion}` };
      }
      c.stepIndex = c.input.steps.length;
      c.handlingUnitId = actor.unitId;
      c.status = 'awaiting-conclusion';
      return { note: `同意，审批完成，待办结：${opinion}` };
    },
  };
}

/** The panel member `actor` signs for: its own named seat first, else a seat of its role in the unit. */
function seatFor(c: ApprovalCase, step: ResolvedStep, actor: Actor): ResolvedSigner {
  const pending = c.pendingSeats();
  const seat =
    pending.find((s) => s.userId === actor.userId) ??
    pending.find((s) => !s.userId && s.role === actor.role && step.unitIds.includes(actor.unitId));
  if (!seat)
    throw conflict(
      'already-signed',
      `“${step.name}”中您可签署的会签已完成`,
      `Your place on step ${step.key} has been signed already`,
    );
  return seat;
}

export function planReturn(c: ApprovalCase, actor: Actor, reason: string, now: number): Plan {
  const index = c.stepIndex;
  const step = c.input.steps[index]!;
  const previous = c.input.steps[index - 1]!;
  const clocks: ClockChange[] = [];
  if (running(c, stepClockKey(step))) clocks.push(stop(c, stepClockKey(step), now, '退回上一环节', actor.userId));
  if (previous.limitDays) clocks.push(startStepClock(c, previous, now, actor.userId));
  return {
    clocks,
    commit: () => {
      c.signatures[index] = [];
      c.signatures[index - 1] = [];
      c.transfers = {};
      c.stepIndex = index - 1;
      return { note: `退回“${previous.name}”：${reason}` };
    },
  };
}

export function planTransfer(c: ApprovalCase, actor: Actor, to: TransferTarget, reason: string | undefined): Plan {
  const step = c.currentStep()!;
  if (to.userId === actor.userId)
    throw rule('transfer-to-self', '不能转交给自己', 'You cannot transfer a step to yourself');
  if (to.unitId !== actor.unitId)
    throw rule('transfer-other-unit', '只能转交给本单位人员', 'A step can only be transferred within your unit');
  if (to.role !== step.role)
    throw rule(
      'transfer-other-role',
      `只能转交给本单位具有“${step.role}”角色的人员`,
      `The recipient must have the step's role (${step.role})`,
    );
  return {
    clocks: [],
    commit: () => {
      c.transfers = { ...c.transfers, [actor.unitId]: to };
      return { note: `转交 ${to.displayName ?? to.userId}${reason ? `：${reason}` : ''}` };
    },
  };
}

export function urge(c: ApprovalCase, message: string, now: number): Outcome {
  const step = c.currentStep()!;
  c.urgeCount += 1;
  const notices = noticesTo(c.pendingUnits(), {
    caseId: c.input.caseId,
    key: `urge:${c.urgeCount}`,
    kind: 'urge',
    toLeader: true,
    message: `【催办】${c.matter.name}（${c.input.caseId}）在“${step.name}”环节，请抓紧办理。${message}`,
    at: new Date(now).toISOString(),
  });
  return { note: message, notices };
}
