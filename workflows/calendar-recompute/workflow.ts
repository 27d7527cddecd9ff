import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  CATCH_UP_MARGIN_MS,
  calendarRecomputeProgressQuery,
  calendarRecomputeRequestedSignal,
  type CalendarRecomputeInput,
  type CalendarRecomputeWalkState,
} from './definitions';

const { claimCalendarRecomputes, signalCalendarPage, finishCalendarRecomputes } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  // Every live case must take the change: keep retrying (PostgreSQL or Temporal away, a case not reachable).
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

const PAGE_SIZE = 100;
const PAGES_PER_RUN = 200;

/** The calendar fan-out: see workflows/calendar-recompute/definitions.ts. */
export async function calendarRecomputeWorkflow(
  input: CalendarRecomputeInput = {},
): Promise<{ walksFinished: number }> {
  const pageSize = input.pageSize ?? PAGE_SIZE;
  const pagesPerRun = input.pagesPerRun ?? PAGES_PER_RUN;
  let walk: CalendarRecomputeWalkState | null = input.walk ?? null;
  // A fresh start always looks for pending changes: it was started for one.
  let changeSignalled = input.changeSignalled ?? walk === null;
  let pages = 0;
  let walksFinished = 0;

  setHandler(calendarRecomputeRequestedSignal, () => void (changeSignalled = true));
  setHandler(calendarRecomputeProgressQuery, () => ({ walk, changeSignalled, pages, walksFinished }));

  /** Begin a new walk from the first case if a change is pending; otherwise the current walk covers every change. */
  async function restartIfPending(): Promise<void> {
    changeSignalled = false;
    const claimed = await claimCalendarRecomputes({ walkId: uuid4() });
    if (claimed) walk = { ...claimed, phase: 'walk', cursor: null, done: 0 };
  }

  for (;;) {
    if (changeSignalled) await restartIfPending();
    if (walk === null) break;
    const current: CalendarRecomputeWalkState = walk;
    const createdSince =
      current.phase === 'catch-up'
        ? new Date(Date.parse(current.startedAt) - CATCH_UP_MARGIN_MS).toISOString()
        : undefined;
    const page = await signalCalendarPage({
      walkId: current.walkId,
      after: current.cursor,
      limit: pageSize,
      ...(createdSince ? { createdSince } : {}),
    });
    pages += 1;
    if (page.pending) changeSignalled = true;
    const done = current.phase === 'walk' ? current.done + page.signalled : current.done;
    if (page.listed === pageSize) walk = { ...current, cursor: page.last, done };
    else if (current.phase === 'walk') walk = { ...current, phase: 'catch-up', cursor: null, done };
    else if (!changeSignalled) {
      // A change committed before this check is claimed by a new walk; one committed after it signals again.
      const finished = await finishCalendarRecomputes({ walkId: current.walkId });
      if (finished.pending) changeSignalled = true;
      else {
        walk = null;
        walksFinished += 1;
      }
    }
    if (walk !== null && (pages >= pagesPerRun || workflowInfo().continueAsNewSuggested)) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof calendarRecomputeWorkflow>({ ...input, walk, changeSignalled });
    }
  }
  await condition(allHandlersFinished);
  return { walksFinished };
}
