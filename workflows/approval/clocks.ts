import type { ResolvedStep } from '../../domain/catalogue';
import { startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import { planClock, type ClockChange } from '../shared/clock-plan';
import type { ApprovalCase } from './approval-case';

/** The whole-case clock (承诺时限), replaced by `expedite` once a supervisor expedites the case. */
export const CASE = 'case';
export const CASE_LABEL = '承诺时限';
export const EXPEDITE = 'expedite';
export const EXPEDITE_LABEL = '特事特办时限';
/** The window's pre-check period (§32): no notice or decision by its end counts as acceptance. */
export const PRECHECK = 'precheck';
export const PRECHECK_LABEL = '受理审查期限';
/** The applicant's clocks: 补正 after a one-time notice, and the 容缺 catch-up. */
export const SUPPLEMENT = 'supplement';
export const SUPPLEMENT_LABEL = '补正期限';
export const CATCH_UP = 'catch-up';
export const CATCH_UP_LABEL = '容缺补齐期限';
export const stepClockKey = (step: ResolvedStep) => `step:${step.key}`;
export const stepClockLabel = (step: ResolvedStep) => `环节时限：${step.name}`;

/** Clocks whose red means the administration is late (督办); the applicant's own clocks lapse instead. */
export const isOfficeClock = (key: string) => key === CASE || key === EXPEDITE || key.startsWith('step:');

export function isPaused(clock: SlaClock): boolean {
  const last = clock.pauses.at(-1);
  return last !== undefined && last.to === undefined;
}

export function caseClockKey(c: ApprovalCase): string {
  return c.expedited ? EXPEDITE : CASE;
}

/** The deadline of the current step's own limit, while it runs. */
export function stepDeadline(c: ApprovalCase, now: number): string | null {
  const step = c.currentStep();
  return step ? (c.clocks.status(stepClockKey(step), now)?.deadline ?? null) : null;
}

export function running(c: ApprovalCase, key: string): boolean {
  return c.clocks.clocks[key]?.clock.stoppedAt === null;
}

export function build(
  c: ApprovalCase,
  key: string,
  label: string,
  make: (current: SlaClock | undefined) => SlaClock,
  now: number,
): ClockChange {
  return planClock(c.clocks, key, label, make, now);
}

export function stop(c: ApprovalCase, key: string, now: number, reason: string, actorId: string): ClockChange {
  return build(c, key, c.clocks.clocks[key]!.label, (clock) => stopClock(clock!, now, { reason, actor: actorId }), now);
}

export function stopRunning(c: ApprovalCase, now: number, reason: string, actorId: string): ClockChange[] {
  return Object.keys(c.clocks.clocks)
    .filter((k) => running(c, k))
    .map((k) => stop(c, k, now, reason, actorId));
}

export function startStepClock(c: ApprovalCase, step: ResolvedStep, now: number, actorId: string): ClockChange {
  return build(
    c,
    stepClockKey(step),
    stepClockLabel(step),
    () =>
      startClock({ unit: 'workday', amount: step.limitDays! }, now, { actor: actorId, reason: `进入“${step.name}”` }),
    now,
  );
}
