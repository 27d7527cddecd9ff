import { BAD_RATING_MAX, extensionViolation, RECTIFICATION_DAYS } from '../../domain/approval';
import { unitMs } from '../../domain/calendar';
import type { ResolvedSigner, ResolvedStep } from '../../domain/catalogue';
import { extendClock, pauseClock, resumeClock, startClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import type { ClockChange } from '../shared/clock-plan';
import { noticesTo } from '../shared/notices';
import type { StartTaskInput } from '../task/definitions';
import type { ApprovalCase, Outcome, Plan } from './approval-case';
import {
  build,
  CASE,
  CASE_LABEL,
  caseClockKey,
  EXPEDITE,
  EXPEDITE_LABEL,
  isPaused,
  running,
  startStepClock,
  stepClockKey,
  stepClockLabel,
  stop,
  stopRunning,
} from './clocks';
import {
  EXPEDITE_UNITS,
  SUSPENSION_KIND_LABEL,
  type ApprovalAction,
  type Signature,
  type TransferTarget,
} from './definitions';
import { conflict, materialNames, refused, rule } from './policy';

// Planners of the steps after acceptance, to the conclusion and the rating. Each checks and
// returns a plan that changes nothing until committed (see clock-plan.ts).

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

export function planSuspension(
  c: ApprovalCase,
  actor: Actor,
  action: Extract<ApprovalAction, { type: 'suspend' | 'resume' }>,
  now: number,
): Plan {
  const step = c.currentStep()!;
  const keys = [caseClockKey(c), stepClockKey(step)].filter((k) => running(c, k));
  const clocks = keys.map((key) =>
    build(
      c,
      key,
      c.clocks.clocks[key]!.label,
      (clock) =>
        action.type === 'suspend'
          ? pauseClock(clock!, now, action.reason, actor.userId)
          : isPaused(clock!)
            ? resumeClock(clock!, now, { reason: action.reason, actor: actor.userId })
            : clock!,
      now,
    ),
  );
  return {
    clocks,
    commit: () => {
      if (action.type === 'resume') {
        c.status = 'in-progress';
        c.suspension = null;
        return { note: `恢复计时${action.reason ? `：${action.reason}` : ''}` };
      }
      c.status = 'suspended';
      c.suspension = { kind: action.kind, reason: action.reason, by: actor.userId, at: new Date(now).toISOString() };
      return { note: `中止计时（${SUSPENSION_KIND_LABEL[action.kind]}，不计入办理时限）：${action.reason}` };
    },
  };
}

export function planExtensionRequest(c: ApprovalCase, actor: Actor, days: number, reason: string, now: number): Plan {
  if (c.expedited)
    throw rule('expedited-no-extension', '特事特办案件不适用延期', 'An expedited case cannot be extended');
  const v = extensionViolation(c.matter, c.extendedDays, days);
  if (v) throw refused(v);
  return {
    clocks: [],
    commit: () => {
      c.pendingExtension = {
        days,
        reason,
        step: c.currentStep()?.key ?? null,
        by: actor.userId,
        at: new Date(now).toISOString(),
      };
      return { note: `申请延期 ${days} 个工作日：${reason}` };
    },
  };
}

export function planExtensionDecision(
  c: ApprovalCase,
  actor: Actor,
  approve: boolean,
  reason: string | undefined,
  now: number,
): Plan {
  const pending = c.pendingExtension!;
  const clocks: ClockChange[] = [];
  if (approve) {
    const why = `延期：${pending.reason}`;
    clocks.push(build(c, CASE, CASE_LABEL, (clock) => extendClock(clock!, pending.days, now, why, actor.userId), now));
    const step = c.currentStep();
    if (step && step.key === pending.step && running(c, stepClockKey(step))) {
      clocks.push(
        build(
          c,
          stepClockKey(step),
          stepClockLabel(step),
          (clock) => extendClock(clock!, pending.days, now, why, actor.userId),
          now,
        ),
      );
    }
  }
  return {
    clocks,
    commit: () => {
      c.pendingExtension = null;
      if (!approve) return { note: `不同意延期${reason ? `：${reason}` : ''}` };
      c.extendedDays += pending.days;
      return { note: `同意延期 ${pending.days} 个工作日${reason ? `：${reason}` : ''}` };
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

export function planExpedite(
  c: ApprovalCase,
  actor: Actor,
  action: Extract<ApprovalAction, { type: 'expedite' }>,
  now: number,
): Plan {
  const { budget, reason } = action;
  if (!(EXPEDITE_UNITS as readonly string[]).includes(budget.unit) || budget.amount <= 0) {
    throw rule(
      'expedite-natural-time',
      '特事特办时限须为自然时间（分钟、小时或天）',
      'An expedited limit is natural time: minutes, hours or days',
    );
  }
  const current = c.clocks.status(CASE, now)?.deadline;
  if (current && now + budget.amount * unitMs(budget.unit) >= Date.parse(current)) {
    throw rule(
      'expedite-not-shorter',
      '特事特办时限须早于现有承诺期限',
      'The expedited limit must end before the current deadline',
    );
  }
  const clocks = [
    ...(running(c, CASE) ? [stop(c, CASE, now, `特事特办：${reason}`, actor.userId)] : []),
    build(c, EXPEDITE, EXPEDITE_LABEL, () => startClock(budget, now, { actor: actor.userId, reason }), now),
  ];
  return {
    clocks,
    commit: () => {
      c.expedited = { budget, reason, by: actor.userId, at: new Date(now).toISOString() };
      const dropped = c.pendingExtension ? '；待审批的延期申请作废' : '';
      c.pendingExtension = null;
      return { note: `特事特办，时限改为 ${budget.amount} ${budget.unit}：${reason}${dropped}` };
    },
  };
}

export function planConclude(
  c: ApprovalCase,
  actor: Actor,
  result: string,
  certificateNo: string | undefined,
  now: number,
): Plan {
  if (c.outstanding().length) {
    throw rule(
      'catch-up-outstanding',
      `容缺材料尚未补齐，不能办结：${materialNames(c.matter.materials, c.outstanding())}`,
      `Tolerated materials are still outstanding: ${c.outstanding().join(', ')}`,
    );
  }
  requireCertificate(c, certificateNo);
  return {
    clocks: stopRunning(c, now, '办结', actor.userId),
    commit: () => {
      c.conclusion = { result, certificateNo: certificateNo ?? null, at: new Date(now).toISOString() };
      c.status = 'concluded';
      return { note: `办结：${result}${certificateNo ? `（证照编号 ${certificateNo}）` : ''}` };
    },
  };
}

export function planRating(
  c: ApprovalCase,
  actor: Actor,
  action: Extract<ApprovalAction, { type: 'rate' }>,
  now: number,
): Plan {
  const { score, comment, rectificationCaseId } = action;
  if (!Number.isInteger(score) || score < 1 || score > 5)
    throw rule('invalid-score', '评价须为 1–5 分', 'A rating is 1 to 5');
  const bad = score <= BAD_RATING_MAX;
  return {
    clocks: [],
    commit: () => {
      c.rating = {
        score,
        comment: comment ?? null,
        by: actor.userId,
        at: new Date(now).toISOString(),
        rectificationCaseId: bad ? rectificationCaseId! : null,
      };
      const note = `评价 ${score} 分${comment ? `：${comment}` : ''}`;
      if (!bad) return { note };
      return {
        note: `${note}；差评整改任务 ${rectificationCaseId}`,
        rectification: rectification(c, rectificationCaseId!, score, comment),
      };
    },
  };
}

/** The rectification task (整改) a bad rating opens for the unit that handled the case. */
function rectification(c: ApprovalCase, caseId: string, score: number, comment: string | undefined): StartTaskInput {
  const owner = c.input.supervisingUnitId;
  return {
    caseId,
    title: `差评整改：${c.matter.name}（${c.input.caseId}）`,
    description: `申请人评价 ${score} 分${comment ? `：${comment}` : ''}。请查明原因、整改并反馈。`,
    unitId: c.handlingUnitId ?? c.input.townshipId,
    ownerUnitId: owner,
    createdBy: { userId: 'system', displayName: '系统（好差评）', role: 'system', unitId: owner, unitPath: '' },
    budget: { unit: 'workday', amount: RECTIFICATION_DAYS },
    calendar: c.clocks.calendarContext,
  };
}

export function requireCertificate(c: ApprovalCase, certificateNo: string | undefined): void {
  if (c.matter.category === 'permit' && !certificateNo)
    throw rule('certificate-required', '行政许可办结须填写证照编号', 'A permit is concluded with a certificate number');
}
