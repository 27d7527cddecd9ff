import { log, ParentClosePolicy, startChild } from '@temporalio/workflow';
import type { StartTaskInput } from '../task/definitions';
import { childGenerationMemo } from './generation';
import type { taskWorkflow } from '../task/workflow';

/**
 * Open a rectification task (整改任务) from another case — a bad rating, a 不合格 assessment — as a
 * child with the pre-allocated case number as its id. It outlives its parent (ABANDON). A start
 * that fails (the id is taken, e.g. on a retried parent) is logged, not fatal to the parent.
 */
export async function openRectificationTask(task: StartTaskInput): Promise<void> {
  try {
    await startChild<typeof taskWorkflow>('taskWorkflow', {
      workflowId: task.caseId,
      args: [task],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      memo: childGenerationMemo(),
    });
  } catch (err) {
    log.error('rectification task not started', { caseId: task.caseId, error: String(err) });
  }
}
