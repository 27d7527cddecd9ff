import { patched, workflowInfo } from '@temporalio/workflow';
import { GENERATION_MEMO, generationMemo } from './definitions';

/**
 * The generation each patch came with. A workflow started with a generation (its memo, see
 * `generationMemo`) at or above a patch's runs that patch's code from its first line, so it needs no
 * marker: `since` answers true without calling `patched()`. That saves a workflow what the SDK adds
 * to each first `patched()` call — a marker and an upsert of the TemporalChangeVersion search
 * attribute, which the server validates against its cluster metadata and namespace (about 1 ms of
 * its CPU per action, `npm run bench:temporal-shapes`). A workflow without the memo (started before
 * generations, or by a parent that was) asks `patched()` as before, so its history replays as it was
 * recorded.
 *
 * A new patch: add it here with `WORKFLOW_GENERATION + 1`, then raise WORKFLOW_GENERATION.
 */
const PATCHES = {
  'serial-case-changes': 1,
  'answer-before-close': 1,
  'notices-local-activity': 1,
  'projection-local-activities': 1,
  'task-urge-notice': 1,
  'assessment-cycle-outcomes': 1,
  'incident-late-unit-notices': 1,
  'incident-order-sender-decides': 1,
  'summons-close-missed-windows': 1,
  'summons-part-ending-signal': 1,
  'approval-precheck-clock': 1,
  'approval-complete-notice': 1,
  'notices-with-transition': 2,
  'facts-with-transition': 3,
  'summons-parallel-part-starts': 4,
  'summons-part-opening-notices': 4,
} as const satisfies Record<string, number>;

export type PatchId = keyof typeof PATCHES;

/** This workflow's generation: the one its starter gave it in its memo, 0 without one. */
export function workflowGeneration(): number {
  const value = workflowInfo().memo?.[GENERATION_MEMO];
  return typeof value === 'number' ? value : 0;
}

/** True when this workflow runs the code of `patch`: from its start (its generation), or since `patched()` said so. */
export function since(patch: PatchId): boolean {
  return workflowGeneration() >= PATCHES[patch] || patched(patch);
}

/**
 * The memo for a child this workflow starts: the current generation when this workflow has one
 * itself. A workflow without one leaves its child's start command as it was recorded.
 */
export function childGenerationMemo(): Record<string, number> | undefined {
  return workflowGeneration() > 0 ? generationMemo() : undefined;
}
