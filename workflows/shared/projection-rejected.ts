/**
 * The failure type of a projection write that can never succeed, whatever the retries: data that
 * PostgreSQL or the audit hash refuses (see activities/projection-guard.ts). Raised non-retryable;
 * the workflow undoes the action that produced it (workflows/shared/case-changes.ts).
 */
export const PROJECTION_REJECTED = 'ProjectionRejected';
