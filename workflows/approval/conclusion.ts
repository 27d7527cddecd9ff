import { BAD_RATING_MAX, RECTIFICATION_DAYS } from '../../domain/approval';
import type { Actor } from '../shared/actor';
import type { StartTaskInput } from '../task/definitions';
import type { ApprovalCase, Plan } from './approval-case';
import { stopRunning } from './clocks';
import type { ApprovalAction } from './definitions';
import { materialNames, rule } from './policy';

// Planners of the conclusion (办结) and the rating (好差评), which may open a rectification task.

export function planConclude(
  c: ApprovalCase,
  actor: Actor,
  result: string,
  certificateNo: string | undefined,
  now: number,
): Plan {
  if (c.outstanding().length) {
    throw rule(
      'catch-up-outstanding',
      `容缺材料尚未补齐，不能办结：${materialNames(c.matter.materials, c.outstanding())}`,
      `Tolerated materials are still outstanding: ${c.outstanding().join(', ')}`,
    );
  }
  requireCertificate(c, certificateNo);
  return {
    clocks: stopRunning(c, now, '办结', actor.userId),
    commit: () => {
      c.conclusion = { result, certificateNo: certificateNo ?? null, at: new Date(now).toISOString() };
      c.status = 'concluded';
      return { note: `办结：${result}${certificateNo ? `（证照编号 ${certificateNo}）` : ''}` };
    },
  };
}

export function planRating(
  c: ApprovalCase,
  actor: Actor,
  action: Extract<ApprovalAction, { type: 'rate' }>,
  now: number,
): Plan {
  const { score, comment, rectificationCaseId } = action;
  if (!Number.isInteger(score) || score < 1 || score > 5)
    throw rule('invalid-score', '评价须为 1–5 分', 'A rating is 1 to 5');
  const bad = score <= BAD_RATING_MAX;
  return {
    clocks: [],
    commit: () => {
      c.rating = {
        score,
        comment: comment ?? null,
        by: actor.userId,
        at: new Date(now).toISOString(),
        rectificationCaseId: bad ? rectificationCaseId! : null,
      };
      const note = `评价 ${score} 分${comment ? `：${comment}` : ''}`;
      if (!bad) return { note };
      return {
        note: `${note}；差评整改任务 ${rectificationCaseId}`,
        rectification: rectification(c, rectificationCaseId!, score, comment),
      };
    },
  };
}

/** The rectification task (整改) a bad rating opens for the unit that handled the case. */
function rectification(c: ApprovalCase, caseId: string, score: number, comment: string | undefined): StartTaskInput {
  const owner = c.input.supervisingUnitId;
  return {
    caseId,
    title: `差评整改：${c.matter.name}（${c.input.caseId}）`,
    description: `申请人评价 ${score} 分${comment ? `：${comment}` : ''}。请查明原因、整改并反馈。`,
    unitId: c.handlingUnitId ?? c.input.townshipId,
    ownerUnitId: owner,
    createdBy: { userId: 'system', displayName: '系统（好差评）', role: 'system', unitId: owner, unitPath: '' },
    budget: { unit: 'workday', amount: RECTIFICATION_DAYS },
    calendar: c.clocks.calendarContext,
  };
}

export function requireCertificate(c: ApprovalCase, certificateNo: string | undefined): void {
  if (c.matter.category === 'permit' && !certificateNo)
    throw rule('certificate-required', '行政许可办结须填写证照编号', 'A permit is concluded with a certificate number');
}
