import { defineQuery, defineSignal } from '@temporalio/workflow';

/** Every case workflow answers this query with its live state (read by `GET /cases/:id`). */
export const caseStateQuery = defineQuery<unknown>('caseState');

/** Sent when the working-day calendar changes, so live deadlines are recomputed. */
export const calendarChangedSignal = defineSignal('calendarChanged');
