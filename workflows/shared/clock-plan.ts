import { SlaClockError, type SlaClock } from '../../domain/sla-clock';
import type { CaseClocks } from './case-clocks';
import { CaseErrorType, caseError } from './errors';

/** A clock change an action will make, built and checked against the calendar before anything changes. */
export interface ClockChange {
  key: string;
  label: string;
  clock: SlaClock;
}

/**
 * A checked action: the clock changes it makes and the state change to run. Building a plan
 * throws the refusal and changes nothing, so the same code serves an Update's validator and its
 * handler.
 */
export interface Plan<Outcome> {
  clocks: ClockChange[];
  commit: () => Outcome;
}

/**
 * Build the next state of clock `key` from its current one (undefined when there is none) and check
 * the calendar can compute it: an impossible clock operation is a 409, a missing calendar year a 422.
 */
export function planClock(
  clocks: CaseClocks,
  key: string,
  label: string,
  make: (current: SlaClock | undefined) => SlaClock,
  now: number,
): ClockChange {
  let clock: SlaClock;
  try {
    clock = make(clocks.clocks[key]?.clock);
  } catch (err) {
    if (err instanceof SlaClockError)
      throw caseError(CaseErrorType.InvalidState, `clock-${err.code}`, err.message, err.message);
    throw err;
  }
  clocks.check(clock, now);
  return { key, label, clock };
}

/** Carry out a plan: store its clocks, then run its state change. */
export function carryOut<Outcome>(clocks: CaseClocks, plan: Plan<Outcome>, now: number): Outcome {
  for (const c of plan.clocks) clocks.apply(c.key, c.label, () => c.clock, now);
  return plan.commit();
}
