import { patched, setHandler } from '@temporalio/workflow';
import { caseActivities, projectionActivities } from '../shared/activities';
import { CaseChanges } from '../shared/case-changes';
import { ClockWatch, openCase, serveCaseReads } from '../shared/case-workflow';
import { CaseRecorder } from '../shared/recorder';
import { openRectificationTask } from '../shared/rectification';
import { ApprovalCase, type ApprovalEffects } from './approval-case';
import { BAD_RATING_MAX } from '../../domain/approval';
import { approvalActionUpdate, type ApprovalActionInput, type ApprovalView, type StartApprovalInput } from './definitions';

const { loadCalendar, sendNotices, allocateCaseNumbers } = caseActivities;
const { recordTransition } = projectionActivities;

/** An approval case (政务服务审批): see workflows/approval/definitions.ts. */
export async function approvalWorkflow(input: StartApprovalInput): Promise<ApprovalView> {
  // Cases started before the §32 pre-check clock (or the complete-notice rule) existed replay without it.
  const approval = new ApprovalCase(input, Date.now(), { precheck: patched('approval-precheck-clock'), completeNotice: patched('approval-complete-notice') });
  const recorder = new CaseRecorder(recordTransition);
  const changes = new CaseChanges(approval, recorder, (note) => recorder.record(approval.snapshot(Date.now()), note));
  const watch = new ClockWatch(approval.clocks, changes, loadCalendar, (now) => approval.snapshot(now));
  const reads = serveCaseReads(() => approval.view(Date.now()));

  setHandler(
    approvalActionUpdate,
    (action) =>
      changes.act(async () => {
        const effects = approval.apply(await numbered(approval, action), Date.now());
        await recorder.record(approval.snapshot(Date.now()), effects.note);
        await perform(effects);
        return approval.view(Date.now());
      }),
    { validator: (action) => approval.check(action, Date.now()) },
  );

  await openCase(changes, reads, () => recorder.record(approval.snapshot(Date.now()), approval.creationNote()));

  while (!approval.finished) {
    await watch.sleep(() => approval.finished, approval.ratingClosesAt());
    await changes.step(async () => {
      const tick = approval.tick(Date.now());
      if (tick) {
        await recorder.record(approval.snapshot(Date.now()), tick.note);
        if (tick.notices.length) await sendNotices(tick.notices);
      }
      const expired = approval.expire(Date.now());
      if (expired) await recorder.record(approval.snapshot(Date.now()), expired);
      const ratingClosed = approval.closeRating(Date.now());
      if (ratingClosed) await recorder.record(approval.snapshot(Date.now()), ratingClosed);
    });
  }
  await changes.settled();
  return approval.view(Date.now());
}

/**
 * A bad rating opens a rectification task: its case number is taken here, once the rating has
 * been checked again in its turn, so a refused rating never uses up a number. (Ratings sent by an
 * older API carry a number already.)
 */
async function numbered(approval: ApprovalCase, input: ApprovalActionInput): Promise<ApprovalActionInput> {
  const { action } = input;
  if (action.type !== 'rate' || action.score > BAD_RATING_MAX || action.rectificationCaseId) return input;
  approval.check(input, Date.now());
  const [rectificationCaseId] = await allocateCaseNumbers({ process: 'task', count: 1 });
  return { ...input, action: { ...action, rectificationCaseId } };
}

async function perform(effects: ApprovalEffects): Promise<void> {
  if (effects.notices.length) await sendNotices(effects.notices);
  if (effects.rectification) await openRectificationTask(effects.rectification);
}
