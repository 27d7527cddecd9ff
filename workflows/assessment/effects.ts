import type { CycleEffects } from './assessment-cycle';

/** Effects of a step that changed nothing yet: filled in by the step. */
export const noEffects = (): CycleEffects => ({
  notes: [],
  notices: [],
  changed: { scores: [], results: false, appeals: [] },
});
