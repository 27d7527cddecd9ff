import { defineQuery, defineSignal } from '@temporalio/workflow';

/**
 * The calendar fan-out (DOMAIN: a calendar change moves every live deadline). One workflow for the
 * whole county, `calendar-recompute`: each calendar write records a pending change in PostgreSQL
 * and signals-with-start this workflow. It walks the live cases by id in pages, signalling each
 * case to reload the calendar; a change that arrives mid-walk restarts the walk from the first case
 * (cases already passed may have read the older calendar), so every live case ends up told after
 * the latest change was committed. Failed signals are retried by the activity's retry policy until
 * they succeed; long walks continue-as-new with their cursor.
 */
export const CALENDAR_RECOMPUTE_WORKFLOW_ID = 'calendar-recompute';

/** "A calendar change is waiting": starts the workflow, or makes a running walk look for pending changes. */
export const calendarRecomputeRequestedSignal = defineSignal('calendarRecomputeRequested');

export interface CalendarRecomputeWalkState {
  walkId: string;
  startedAt: string;
  total: number;
  recomputeIds: string[];
  /** `walk`: every live case; `catch-up`: then the cases opened shortly before the walk began again. */
  phase: 'walk' | 'catch-up';
  /** The last case id told in this phase (keyset pagination); null before the first page. */
  cursor: string | null;
  /** Cases told in this walk so far. */
  done: number;
}

export interface CalendarRecomputeInput {
  /** Live cases per page (one activity signals a page). */
  pageSize?: number;
  /** Pages per run before continue-as-new. */
  pagesPerRun?: number;
  /** Carried over continue-as-new. */
  walk?: CalendarRecomputeWalkState | null;
  /** Carried over continue-as-new: a change was signalled and not yet looked for. */
  changeSignalled?: boolean;
}

export interface CalendarRecomputeProgress {
  walk: CalendarRecomputeWalkState | null;
  /** A change was signalled that the walk has not yet looked for. */
  changeSignalled: boolean;
  /** Pages signalled in this run. */
  pages: number;
  /** Walks completed in this run. */
  walksFinished: number;
}

/** The fan-out's live state (the admin's progress resource reads PostgreSQL; this is the engine's view). */
export const calendarRecomputeProgressQuery = defineQuery<CalendarRecomputeProgress>('calendarRecomputeProgress');

/**
 * A case is caught up again at the end of a walk if it was opened this long before the walk began:
 * the API reads the calendar before it starts a case, and the case reaches the read model only
 * after its first transition, so a case opened just before a change may be missed by the walk.
 */
export const CATCH_UP_MARGIN_MS = 10 * 60_000;
