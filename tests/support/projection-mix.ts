import type { CaseSnapshot, TransitionRecord } from '../../workflows/shared/case-snapshot';

/** A transition record as a workflow hands it to the projection activity (a system step). */
export const transitionRecord = (seq: number, snapshot: CaseSnapshot): TransitionRecord => ({
  seq,
  snapshot,
  audit: {
    actorId: 'system',
    actorUnitId: null,
    actorRole: 'system',
    action: `step.${seq}`,
    reason: null,
    before: null,
    after: null,
    at: new Date().toISOString(),
  },
});

/** A deterministic choice in `[0, n)` per call (a linear congruential sequence, its high bits). */
export function deterministic(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.floor(s / 65_536) % n;
  };
}
