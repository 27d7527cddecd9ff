import { since } from '../shared/generation';
import { BAD_RATING_MAX } from '../../domain/approval';
import { caseActivities } from '../shared/activities';
import { CaseRunner } from '../shared/case-runner';
import { ApprovalCase } from './approval-case';
import {
  approvalActionUpdate,
  type ApprovalActionInput,
  type ApprovalView,
  type StartApprovalInput,
} from './definitions';

const { allocateCaseNumbers } = caseActivities;

/** An approval case (政务服务审批): see workflows/approval/definitions.ts. */
export async function approvalWorkflow(input: StartApprovalInput): Promise<ApprovalView> {
  // Cases started before the §32 pre-check clock (or the complete-notice rule) existed replay without it.
  const approval = new ApprovalCase(input, Date.now(), {
    precheck: since('approval-precheck-clock'),
    completeNotice: since('approval-complete-notice'),
  });
  const runner = new CaseRunner(approval, {
    update: approvalActionUpdate,
    prepare: (action) => numbered(approval, action),
    // The case stays open for its rating until the rating window closes.
    wakeAt: () => approval.ratingClosesAt(),
  });
  await runner.open();
  await runner.run();
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
