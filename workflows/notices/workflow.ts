import { continueAsNew, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { NoticeDeliveryInput } from './definitions';

const { deliverDueNotices } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});

/** Sweeps per run before continue-as-new keeps the history short (≈ 6 events a sweep). */
const SWEEPS_PER_RUN = 500;

/**
 * The notice outbox's sweeper: every `intervalMs`, try the pending notices whose time has come
 * (activities/notices.ts records each attempt, back-off and the final failure on the notice). A
 * notice whose first attempt failed, or whose worker died mid-attempt, is delivered here. A full
 * batch means more are waiting: sweep again at once.
 */
export async function noticeDeliveryWorkflow(input: NoticeDeliveryInput): Promise<never> {
  for (let i = 0; i < SWEEPS_PER_RUN; i += 1) {
    const swept = await deliverDueNotices({ limit: input.batch });
    if (swept.delivered + swept.pending + swept.failed < input.batch) await sleep(input.intervalMs);
  }
  return continueAsNew<typeof noticeDeliveryWorkflow>(input);
}
