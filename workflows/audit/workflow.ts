import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import {
  auditSweepProgressQuery,
  sweepStarting,
  SWEEP_BROKEN_LIMIT,
  type AuditSweepProgress,
  type StartAuditSweepInput,
} from './definitions';

const { countAuditStreams, verifyAuditPage } = proxyActivities<Activities>({
  // A page queries each case's workflow for its anchor (a closed case is replayed to answer).
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', backoffCoefficient: 2 },
});

/** See workflows/audit/definitions.ts. */
export async function auditSweepWorkflow(input: StartAuditSweepInput): Promise<AuditSweepProgress> {
  const progress = sweepStarting(input.requestedBy, new Date(Date.now()).toISOString());
  setHandler(auditSweepProgressQuery, () => progress);
  const limit = input.pageSize ?? 50;
  progress.total = await countAuditStreams();
  let after = '';
  for (;;) {
    const page = await verifyAuditPage({ after, limit });
    progress.checked += page.checked;
    progress.unanchored += page.unanchored;
    progress.brokenCount += page.broken.length;
    progress.broken.push(...page.broken.slice(0, SWEEP_BROKEN_LIMIT - progress.broken.length));
    if (page.last === null || page.checked < limit) break;
    after = page.last;
  }
  progress.status = 'completed';
  progress.finishedAt = new Date(Date.now()).toISOString();
  return progress;
}
