import { extensionViolation } from '../../domain/approval';
import { unitMs } from '../../domain/calendar';
import { extendClock, pauseClock, resumeClock, startClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import type { ClockChange } from '../shared/clock-plan';
import type { ApprovalCase, Plan } from './approval-case';
import {
  build,
  CASE,
  CASE_LABEL,
  caseClockKey,
  EXPEDITE,
  EXPEDITE_LABEL,
  isPaused,
  running,
  stepClockKey,
  stepClockLabel,
  stop,
} from './clocks';
import { EXPEDITE_UNITS, SUSPENSION_KIND_LABEL, type ApprovalAction } from './definitions';
import { refused, rule } from './policy';

// Planners that change a case's time limit: 中止计时 (suspend, resume), 延期 (request and decide an
// extension) and 特事特办 (expedite). Each returns a plan that changes nothing until committed.

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
