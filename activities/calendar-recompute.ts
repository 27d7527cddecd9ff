import { ApplicationFailure } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../db';
import {
  calendarRecomputePending,
  claimCalendarRecomputes,
  finishCalendarRecomputes,
  liveCasePage,
  recordCalendarRecomputeFailures,
  recordCalendarRecomputePage,
  type CalendarWalk,
} from '../db/calendar-recomputes';
import { calendarChangedSignal } from '../workflows/shared/definitions';

/** Signals sent at once: enough to be quick, few enough not to flood Temporal. */
const SIGNALS_AT_ONCE = 20;
/** How long one group of signals may take before Temporal counts as unreachable for this attempt. */
const SIGNAL_DEADLINE_MS = 10_000;

export interface CalendarPageInput {
  walkId: string;
  after: string | null;
  limit: number;
  /** Catch-up phase: only cases opened since then (ISO); not counted into the progress. */
  createdSince?: string;
}

export interface CalendarPageResult {
  /** The last case id of the page; null when the page was empty. */
  last: string | null;
  listed: number;
  signalled: number;
  closed: number;
  /** A calendar change waits for a walk that begins after it. */
  pending: boolean;
}

/**
 * The calendar fan-out's activities (workflows/calendar-recompute). `temporal` is the client that
 * signals the live cases.
 */
export function createCalendarRecomputeActivities(deps: { db: Db; temporal: Client }) {
  const { db, temporal } = deps;

  /** Signal each case; cases that have ended are counted as closed. Returns the failures. */
  async function signalCases(
    ids: string[],
  ): Promise<{ signalled: number; closed: number; failed: { id: string; error: unknown }[] }> {
    const out = { signalled: 0, closed: 0, failed: [] as { id: string; error: unknown }[] };
    for (let i = 0; i < ids.length; i += SIGNALS_AT_ONCE) {
      const group = ids.slice(i, i + SIGNALS_AT_ONCE);
      const results = await temporal.withDeadline(Date.now() + SIGNAL_DEADLINE_MS, () =>
        Promise.allSettled(group.map((id) => temporal.workflow.getHandle(id).signal(calendarChangedSignal))),
      );
      results.forEach((r, j) => {
        if (r.status === 'fulfilled') out.signalled += 1;
        // The case ended after the read model listed it: nothing left to recompute.
        else if (r.reason instanceof WorkflowNotFoundError) out.closed += 1;
        else out.failed.push({ id: group[j]!, error: r.reason });
      });
    }
    return out;
  }

  return {
    async claimCalendarRecomputes(input: { walkId: string }): Promise<CalendarWalk | null> {
      return claimCalendarRecomputes(db, input.walkId);
    },

    /**
     * Tell one page of live cases to recompute. Fails (and is retried by its retry policy) while
     * any case of the page could not be told; the retry lists and signals the page again, which a
     * case that already took the change simply recomputes once more.
     */
    async signalCalendarPage(input: CalendarPageInput): Promise<CalendarPageResult> {
      const ids = await liveCasePage(
        db,
        input.after,
        input.limit,
        input.createdSince ? new Date(input.createdSince) : undefined,
      );
      const { signalled, closed, failed } = await signalCases(ids);
      if (failed.length > 0) {
        const first = failed[0]!;
        const message = `${failed.length} of ${ids.length} cases not told of the calendar change, e.g. ${first.id}: ${first.error instanceof Error ? first.error.message : String(first.error)}`;
        await recordCalendarRecomputeFailures(db, input.walkId, failed.length, message);
        throw ApplicationFailure.retryable(message, 'CalendarSignalFailed');
      }
      const last = ids.at(-1) ?? null;
      if (last !== null && !input.createdSince)
        await recordCalendarRecomputePage(db, input.walkId, { after: input.after, last, done: signalled, closed });
      return { last, listed: ids.length, signalled, closed, pending: await calendarRecomputePending(db) };
    },

    async finishCalendarRecomputes(input: { walkId: string }): Promise<{ pending: boolean }> {
      return finishCalendarRecomputes(db, input.walkId);
    },
  };
}
