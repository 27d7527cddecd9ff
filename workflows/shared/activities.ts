import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/** The activities every case workflow uses, with the shared retry policy. */
export const caseActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  // PostgreSQL may be away for a while: keep retrying, never give up on a projection.
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});
