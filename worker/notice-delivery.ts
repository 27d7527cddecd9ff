import type { Client } from '@temporalio/client';
import {
  DEFAULT_NOTICE_DELIVERY,
  NOTICE_DELIVERY_WORKFLOW_ID,
  type NoticeDeliveryInput,
} from '../workflows/notices/definitions';
import type { noticeDeliveryWorkflow } from '../workflows/notices/workflow';

/**
 * Start the notice outbox's sweeper unless it runs already (one per task queue; every worker and
 * the one-command start call this at boot, so it survives anything short of being terminated).
 */
export async function ensureNoticeDelivery(
  client: Client,
  taskQueue: string,
  input: NoticeDeliveryInput = DEFAULT_NOTICE_DELIVERY,
): Promise<void> {
  await client.workflow.start<typeof noticeDeliveryWorkflow>('noticeDeliveryWorkflow', {
    workflowId: `${NOTICE_DELIVERY_WORKFLOW_ID}-${taskQueue}`,
    taskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}
