import type { QueryDefinition, UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AuditAnchor } from '../../domain/audit-verdict';

/** Every case workflow answers this query with its live state (read by `GET /cases/:id`). */
export const caseStateQuery = defineQuery<unknown>('caseState');

/** Sent when the working-day calendar changes, so live deadlines are recomputed. */
export const calendarChangedSignal = defineSignal('calendarChanged');

/**
 * Sent with the start (update-with-start): answers once the case's opening transition is in
 * PostgreSQL, so the caller can read its own write straight away.
 */
export const caseOpenedUpdate = defineUpdate<unknown, []>('caseOpened');

/**
 * Every case workflow answers this query with its audit anchor: the sequence and hash of the last
 * audit entry its projection wrote, kept in the engine (outside the database) so that verify can
 * tell a deleted tail or a rewritten chain.
 */
export const auditAnchorQuery = defineQuery<AuditAnchor>('auditAnchor');

/**
 * One case process's start and read messages, typed by its contract: the workflow type the API
 * starts with `Input`, and the opening update and state query answering its `View`. The names are
 * the shared ones above, so typing them per process changes nothing in any history.
 */
export interface CaseMessages<Input, View> {
  workflowType: string;
  opened: UpdateDefinition<View, []>;
  state: QueryDefinition<View>;
  /** Never set: carries the start input's type for `startCase`. */
  readonly input?: Input;
}

export function caseMessages<Input, View>(workflowType: string): CaseMessages<Input, View> {
  return { workflowType, opened: defineUpdate<View, []>('caseOpened'), state: defineQuery<View>('caseState') };
}

/** The memo field that carries a workflow's generation (workflows/shared/generation.ts). */
export const GENERATION_MEMO = 'workflowGeneration';

/** The generation of the workflow code: every patch in workflows/shared/generation.ts up to it is in its code from the start. */
export const WORKFLOW_GENERATION = 4;

/** The memo a workflow is started with by the API: the current generation. */
export const generationMemo = (): Record<string, number> => ({ [GENERATION_MEMO]: WORKFLOW_GENERATION });
