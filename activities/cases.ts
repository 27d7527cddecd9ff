import { Context } from '@temporalio/activity';
import type { Db } from '../db';
import { allocateCaseNumbers } from '../db/case-numbers';
import type { ProcessType } from '../domain/vocabulary';

/** Case-level activities, the same for every process, built with their dependencies (convention 2). */
export function createCaseActivities(deps: { db: Db }) {
  return {
    /**
     * Allocate case numbers for cases a workflow opens (the rectification tasks of a poor approval
     * rating or of 不合格 assessment units). Claimed under this activity's identity, so a retry after
     * a worker died between allocating and completing answers the same numbers: no gap, no orphan.
     */
    async allocateCaseNumbers(input: { process: ProcessType; count: number }): Promise<string[]> {
      const { workflowExecution: run, activityId } = Context.current().info;
      // Scheduled by a workflow (always, here): the attempt's identity is the claim.
      const claim = run && { workflowId: run.workflowId, runId: run.runId, activityId };
      return allocateCaseNumbers(deps.db, { process: input.process, at: new Date(), count: input.count, claim });
    },
  };
}
