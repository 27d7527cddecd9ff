import { acceptanceViolation, noticeViolation, unknownMaterialViolation } from '../../domain/approval';
import { startClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import type { ClockChange } from '../shared/clock-plan';
import type { ApprovalCase, Plan } from './approval-case';
import {
  build,
  CASE,
  CASE_LABEL,
  CATCH_UP,
  CATCH_UP_LABEL,
  PRECHECK,
  running,
  startStepClock,
  stop,
  SUPPLEMENT,
  SUPPLEMENT_LABEL,
} from './clocks';
import type { ApprovalAction } from './definitions';
import { materialNames, refused, rule, unique } from './policy';
import { requireCertificate } from './conclusion';

// Planners of the intake (受理): the one-time notice, 补正, and acceptance. Each checks and
// returns a plan that changes nothing until committed (see clock-plan.ts).

export function planNotice(
  c: ApprovalCase,
  actor: Actor,
  listed: string[],
  extra: string | undefined,
  now: number,
): Plan {
  const missing = unique(listed);
  const v = noticeViolation(c.matter.materials, c.provided, missing, { allMissing: c.completeNotice });
  if (v) throw refused(v);
  const clock = build(
    c,
    SUPPLEMENT,
    SUPPLEMENT_LABEL,
    () =>
      startClock({ unit: 'workday', amount: c.matter.supplementDays }, now, {
        actor: actor.userId,
        reason: '一次性告知',
      }),
    now,
  );
  return {
    clocks: [...(running(c, PRECHECK) ? [stop(c, PRECHECK, now, '已一次性告知', actor.userId)] : []), clock],
    commit: () => {
      c.notice = { missing, at: new Date(now).toISOString(), by: actor.userId };
      c.status = 'awaiting-supplement';
      return { note: `一次性告知需补正：${materialNames(c.matter.materials, missing)}${extra ? `；${extra}` : ''}` };
    },
  };
}

export function planSupplement(
  c: ApprovalCase,
  actor: Actor,
  listed: string[],
  extra: string | undefined,
  now: number,
): Plan {
  const unknown = unknownMaterialViolation(c.matter.materials, listed);
  if (unknown) throw refused(unknown);
  const added = unique(listed).filter((k) => !c.provided.includes(k));
  if (added.length === 0) throw rule('nothing-new', '所列材料均已提交', 'Every listed material was already provided');
  const provided = [...c.provided, ...added];
  const noticeDone = c.status === 'awaiting-supplement' && (c.notice?.missing ?? []).every((k) => provided.includes(k));
  const catchUpDone = c.outstanding().length > 0 && c.tolerated.every((k) => provided.includes(k));
  const clocks: ClockChange[] = [];
  if (noticeDone && running(c, SUPPLEMENT)) clocks.push(stop(c, SUPPLEMENT, now, '补正材料已齐', actor.userId));
  if (catchUpDone && running(c, CATCH_UP)) clocks.push(stop(c, CATCH_UP, now, '容缺材料已补齐', actor.userId));
  return {
    clocks,
    commit: () => {
      c.provided = provided;
      if (noticeDone) c.status = 'submitted';
      const done = noticeDone ? '；补正材料已齐，待受理' : catchUpDone ? '；容缺材料已补齐' : '';
      return { note: `补正材料：${materialNames(c.matter.materials, added)}${done}${extra ? `；${extra}` : ''}` };
    },
  };
}

export function planAccept(
  c: ApprovalCase,
  actor: Actor,
  action: Extract<ApprovalAction, { type: 'accept' }>,
  now: number,
): Plan {
  const def = c.matter;
  const instant = def.kind === 'instant';
  const tolerate = unique(action.tolerate ?? []);
  const conclude = action.conclude;
  if (instant && !conclude)
    throw rule(
      'instant-needs-conclusion',
      '即办件须受理并当场办结（请填写办理结果）',
      'An on-the-spot matter is accepted and concluded in one action: give the result',
    );
  if (instant && tolerate.length)
    throw rule(
      'instant-no-tolerance',
      '即办件不适用容缺受理',
      'An on-the-spot matter cannot be accepted with missing materials',
    );
  if (!instant && conclude)
    throw rule('not-instant', '承诺件不能在受理时办结', 'A promise matter cannot be concluded at acceptance');
  const v = acceptanceViolation(def.materials, c.provided, tolerate, { noticeGiven: c.notice !== null });
  if (v) throw refused(v);
  if (action.catchUpDays !== undefined && tolerate.length === 0)
    throw rule(
      'catch-up-without-tolerance',
      '未容缺受理，无需补齐期限',
      'A catch-up period is only for tolerated materials',
    );
  const catchUpDays = action.catchUpDays ?? def.promisedLimitDays;
  if (catchUpDays > def.promisedLimitDays) {
    throw rule(
      'catch-up-above-promise',
      `容缺补齐期限（${catchUpDays} 个工作日）不能超过承诺时限（${def.promisedLimitDays} 个工作日）`,
      `The catch-up period (${catchUpDays}) may not exceed the promised limit (${def.promisedLimitDays})`,
    );
  }
  if (conclude) requireCertificate(c, conclude.certificateNo);
  const meta = { actor: actor.userId, reason: '受理' };
  const clocks: ClockChange[] = [];
  if (running(c, PRECHECK)) clocks.push(stop(c, PRECHECK, now, '已受理', actor.userId));
  if (running(c, SUPPLEMENT)) clocks.push(stop(c, SUPPLEMENT, now, '已受理', actor.userId));
  const first = c.input.steps[0];
  if (!instant) {
    clocks.push(
      build(c, CASE, CASE_LABEL, () => startClock({ unit: 'workday', amount: def.promisedLimitDays }, now, meta), now),
    );
    if (tolerate.length)
      clocks.push(
        build(
          c,
          CATCH_UP,
          CATCH_UP_LABEL,
          () => startClock({ unit: 'workday', amount: catchUpDays }, now, { actor: actor.userId, reason: '容缺受理' }),
          now,
        ),
      );
    if (first?.limitDays) clocks.push(startStepClock(c, first, now, actor.userId));
  }
  return {
    clocks,
    commit: () => {
      c.receiptNo = `SL-${c.input.caseId}`;
      c.acceptedAt = new Date(now).toISOString();
      c.tolerated = tolerate;
      if (conclude) {
        c.handlingUnitId = actor.unitId;
        c.conclusion = { result: conclude.result, certificateNo: conclude.certificateNo ?? null, at: c.acceptedAt };
        c.status = 'concluded';
        return { note: `即办件受理并当场办结（回执 ${c.receiptNo}）：${conclude.result}` };
      }
      c.status = 'in-progress';
      c.stepIndex = 0;
      const tolerance = tolerate.length
        ? `；容缺受理：${materialNames(def.materials, tolerate)}，${catchUpDays} 个工作日内补齐`
        : '';
      return { note: `受理，回执 ${c.receiptNo}${tolerance}` };
    },
  };
}
