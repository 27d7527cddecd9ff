import type { ApprovalCase, Plan } from './approval-case';
import { stopRunning } from './clocks';
import { planConclude, planRating } from './conclusion';
import { planExpedite, planExtensionDecision, planExtensionRequest, planSuspension } from './deadlines';
import type { ApprovalActionInput } from './definitions';
import { planAccept, planNotice, planSupplement } from './intake';
import { authorise } from './policy';
import { planApprove, planReturn, planTransfer, urge } from './steps';

/** Check an action (who, when, the rules) and plan it: nothing changes until the plan is committed. */
export function plan(c: ApprovalCase, input: ApprovalActionInput, now: number): Plan {
  const { actor, action } = input;
  const overseen =
    action.type === 'urge' &&
    input.oversight === true &&
    actor.role === 'supervisor' &&
    c.assignments().some((a) => a.actions.includes('urge'));
  if (!overseen) authorise(c, actor, action);
  switch (action.type) {
    case 'notify-missing':
      return planNotice(c, actor, action.missing, action.note, now);
    case 'supplement':
      return planSupplement(c, actor, action.materials, action.note, now);
    case 'accept':
      return planAccept(c, actor, action, now);
    case 'refuse':
      return {
        clocks: stopRunning(c, now, '不予受理', actor.userId),
        commit: () => c.close('refused', action.reason),
      };
    case 'approve':
      return planApprove(c, actor, action.opinion, now);
    case 'reject':
      return {
        clocks: stopRunning(c, now, '不予许可', actor.userId),
        commit: () => {
          c.handlingUnitId = actor.unitId;
          return c.close('rejected', action.reason);
        },
      };
    case 'return':
      return planReturn(c, actor, action.reason, now);
    case 'transfer':
      return planTransfer(c, actor, action.to, action.reason);
    case 'suspend':
    case 'resume':
      return planSuspension(c, actor, action, now);
    case 'request-extension':
      return planExtensionRequest(c, actor, action.days, action.reason, now);
    case 'decide-extension':
      return planExtensionDecision(c, actor, action.approve, action.reason, now);
    case 'urge':
      return { clocks: [], commit: () => urge(c, action.message, now) };
    case 'withdraw':
      return {
        clocks: stopRunning(c, now, '申请人撤回', actor.userId),
        commit: () => c.close('withdrawn', action.reason),
      };
    case 'expedite':
      return planExpedite(c, actor, action, now);
    case 'conclude':
      return planConclude(c, actor, action.result, action.certificateNo, now);
    case 'rate':
      return planRating(c, actor, action, now);
  }
}
