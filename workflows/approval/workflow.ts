import { allHandlersFinished, condition, patched, setHandler } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import { ClockWatch, serveCaseReads } from '../shared/case-workflow';
import { CaseRecorder } from '../shared/recorder';
import { openRectificationTask } from '../shared/rectification';
import { ApprovalCase, type ApprovalEffects } from './approval-case';
import { approvalActionUpdate, type ApprovalView, type StartApprovalInput } from './definitions';

const { loadCalendar, sendNotices } = caseActivities;
const { recordTransition } = projectionActivities;

/** An approval case (政务服务审批): see workflows/approval/definitions.ts. */
export async function approvalWorkflow(input: StartApprovalInput): Promise<ApprovalView> {
  // Cases started before the §32 pre-check clock (or the complete-notice rule) existed replay without it.
  const approval = new ApprovalCase(input, Date.now(), { precheck: patched('approval-precheck-clock'), completeNotice: patched('approval-complete-notice') });
  const recorder = new CaseRecorder(recordTransition);
  const watch = new ClockWatch(approval.clocks, recorder, loadCalendar, (now) => approval.snapshot(now));
  const reads = serveCaseReads(() => approval.view(Date.now()));

  setHandler(
    approvalActionUpdate,
    async (action) => {
      const effects = approval.apply(action, Date.now());
      await recorder.record(approval.snapshot(Date.now()), effects.note);
      await perform(effects);
      return approval.view(Date.now());
    },
    { validator: (action) => approval.check(action, Date.now()) },
  );

  await recorder.record(approval.snapshot(Date.now()), approval.creationNote());
  reads.opened();

  while (!approval.finished) {
    await watch.sleep(() => approval.finished, approval.ratingClosesAt());
    const tick = approval.tick(Date.now());
    if (tick) {
      await recorder.record(approval.snapshot(Date.now()), tick.note);
      if (tick.notices.length) await sendNotices(tick.notices);
    }
    const expired = approval.expire(Date.now());
    if (expired) await recorder.record(approval.snapshot(Date.now()), expired);
    const ratingClosed = approval.closeRating(Date.now());
    if (ratingClosed) await recorder.record(approval.snapshot(Date.now()), ratingClosed);
  }
  await condition(allHandlersFinished);
  return approval.view(Date.now());
}

async function perform(effects: ApprovalEffects): Promise<void> {
  if (effects.notices.length) await sendNotices(effects.notices);
  if (effects.rectification) await openRectificationTask(effects.rectification);
}
