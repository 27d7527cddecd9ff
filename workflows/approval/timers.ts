import type { NoticeRequest } from '../../domain/vocabulary';
import { PRECHECK_DAYS } from '../../domain/approval';
import { startClock } from '../../domain/sla-clock';
import { SYSTEM_ACTOR } from '../shared/actor';
import type { LevelChange } from '../shared/case-clocks';
import { clockLevelNote, noEffects, systemNote } from '../shared/case-machine';
import type { AuditNote } from '../shared/case-snapshot';
import { carryOut } from '../shared/clock-plan';
import { noticesTo } from '../shared/notices';
import type { ApprovalCase, ApprovalEffects } from './approval-case';
import { materialNames } from './policy';
import {
  build,
  CASE,
  CASE_LABEL,
  CATCH_UP,
  isOfficeClock,
  PRECHECK,
  startStepClock,
  stepClockKey,
  stop,
  stopRunning,
  SUPPLEMENT,
} from './clocks';
import type { ApprovalStatus } from './definitions';

/**
 * Timers, in order, each decided once the one before is carried out: colour changes (with 督办
 * for office clocks that turned red), then the applicant's deadlines, then the rating window.
 */
export function tick(c: ApprovalCase, now: number): ApprovalEffects {
  const changes = c.clocks.recordTransitions(now);
  const levels: ApprovalEffects =
    changes.length === 0
      ? noEffects()
      : { notes: [clockLevelNote(changes, c.touch(now))], notices: overdueNotices(c, changes) };
  return {
    ...levels,
    then: (later) => ({
      notes: noteOf(expire(c, later)),
      notices: [],
      then: (last) => ({ notes: noteOf(closeRating(c, last)), notices: [] }),
    }),
  };
}

const noteOf = (note: AuditNote | null): AuditNote[] => (note ? [note] : []);

/**
 * The applicant's deadlines: an unanswered 补正 period lapses the application; a missed 容缺
 * catch-up terminates the case. Returns the audit note when either happened.
 */
function expire(c: ApprovalCase, now: number): AuditNote | null {
  const overdue = (key: string) =>
    c.clocks.clocks[key]?.clock.stoppedAt === null && c.clocks.status(key, now)?.overdue === true;
  if (c.status === 'submitted' && overdue(PRECHECK)) return deemAccepted(c, now);
  let outcome: { status: ApprovalStatus; action: string; reason: string } | null = null;
  if (c.status === 'awaiting-supplement' && overdue(SUPPLEMENT)) {
    outcome = {
      status: 'lapsed',
      action: 'approval.lapse',
      reason: `逾期未补正（${c.matter.supplementDays} 个工作日），申请失效`,
    };
  } else if (!c.closed && c.outstanding().length > 0 && overdue(CATCH_UP)) {
    outcome = {
      status: 'terminated',
      action: 'approval.terminate',
      reason: `容缺材料逾期未补齐：${materialNames(c.matter.materials, c.outstanding())}，办理终止`,
    };
  }
  if (!outcome) return null;
  const before = c.auditState(now);
  const { status, reason } = outcome;
  carryOut(c.clocks, { clocks: stopRunning(c, now, reason, 'system'), commit: () => c.close(status, reason) }, now);
  const at = c.touch(now);
  c.history.push(c.entry(SYSTEM_ACTOR, outcome.action.replace('approval.', ''), null, reason, at));
  return systemNote(outcome.action, outcome.reason, before, c.auditState(now), at);
}

/**
 * §32: the pre-check period ended with neither a one-time notice nor a decision, so the
 * application counts as accepted from the moment it was received — the promised limit runs from
 * submission, the first step starts now, and whatever was missing can no longer be demanded.
 */
function deemAccepted(c: ApprovalCase, now: number): AuditNote {
  const before = c.auditState(now);
  const reason = `${PRECHECK_DAYS} 个工作日内未一次性告知，依法视为受理`;
  const meta = { actor: SYSTEM_ACTOR.userId, reason };
  const first = c.input.steps[0];
  const clocks = [
    stop(c, PRECHECK, now, reason, SYSTEM_ACTOR.userId),
    build(
      c,
      CASE,
      CASE_LABEL,
      () => startClock({ unit: 'workday', amount: c.matter.promisedLimitDays }, Date.parse(c.createdAt), meta),
      now,
    ),
    ...(first?.limitDays ? [startStepClock(c, first, now, SYSTEM_ACTOR.userId)] : []),
  ];
  carryOut(
    c.clocks,
    {
      clocks,
      commit: () => {
        c.receiptNo = `SL-${c.input.caseId}`;
        c.acceptedAt = c.createdAt;
        c.status = 'in-progress';
        c.stepIndex = 0;
        return { note: reason };
      },
    },
    now,
  );
  const at = c.touch(now);
  c.history.push(c.entry(SYSTEM_ACTOR, 'deemed-accept', null, `${reason}（回执 ${c.receiptNo}）`, at));
  return systemNote('approval.deemed-accept', reason, before, c.auditState(now), at);
}

/** Close the rating window once it has passed; returns the audit note when it did. */
export function closeRating(c: ApprovalCase, now: number): AuditNote | null {
  const closesAt = c.ratingClosesAt();
  if (closesAt === null || now < closesAt) return null;
  c.ratingClosed = true;
  const at = c.touch(now);
  return systemNote('approval.rating-closed', '评价期已过，未评价', null, null, at);
}

/** 督办 to the units responsible for each office clock that turned red, to them and their leaders, once per clock. */
function overdueNotices(c: ApprovalCase, changes: LevelChange[]): NoticeRequest[] {
  return changes
    .filter((change) => change.to === 'red' && isOfficeClock(change.key))
    .flatMap((red) => {
      const step = c.input.steps.find((s) => stepClockKey(s) === red.key);
      const units = step ? step.unitIds : c.pendingUnits().length ? c.pendingUnits() : [c.input.townshipId];
      const where = step ? `“${step.name}”环节` : red.label;
      return noticesTo(units, {
        caseId: c.input.caseId,
        key: `overdue:${red.key}`,
        kind: 'overdue',
        toLeader: true,
        message: `【督办】${c.matter.name}（${c.input.caseId}，申请人 ${c.input.applicant.name}）${where}已超期，请立即办理并反馈。`,
        at: red.at,
      });
    });
}
