import {
  disputeTooLate,
  escalationTarget,
  isViolation,
  LEVEL_LABEL,
  type IncidentLevelNo,
} from '../../domain/incident';
import { extendClock, pauseClock, stopClock } from '../../domain/sla-clock';
import { planClock } from '../shared/clock-plan';
import { currentClock, levelClockPlan, levelLabel, ORDER, ORDER_LABEL, stopOrder } from './clocks';
import { INCIDENT_STATUS_LABEL, type IncidentActionInput } from './definitions';
import type { IncidentCase, Plan } from './incident-case';
import { planCallback, planReopen, recordVerification } from './follow-up';
import { authorise, conflict, dispatcher, route, rule, verifier, WHISTLE_LEVEL } from './policy';

/** Check an action (who, when, the rules) and plan it: nothing changes until the plan is committed. */
export function plan(c: IncidentCase, { actor, action }: IncidentActionInput, now: number): Plan {
  authorise(c, actor, action.type);
  switch (action.type) {
    case 'sign':
      return {
        clocks: [],
        commit: () => {
          c.status = 'handling';
          if (c.input.hotline && c.firstSignedAt === null) {
            c.firstReceiverUnitId ??= actor.unitId;
            c.firstSignedAt = new Date(now).toISOString();
            c.signedLate = c.orderOverdue;
          }
          return action.note ?? null;
        },
      };
    case 'dispute': {
      if (c.input.hotline && !action.basis) {
        throw rule(
          'hotline-dispute-needs-basis',
          '12345 工单实行首接负责制，不得拒收；如确非本单位职责，须提出正式异议并写明依据',
          'A 12345 order cannot be refused (first-receiver responsibility); a formal dispute must state its basis',
        );
      }
      const window = c.input.disputeWindow;
      const late = window ? disputeTooLate(window, c.dispatchedAt, now, c.clocks.workingCalendar) : null;
      if (late) throw rule(late.code, late.zh, late.en);
      if (c.disputes.some((d) => d.unitId === actor.unitId && d.ruling === 'rejected')) {
        throw rule(
          'dispute-already-ruled',
          '本单位对此派单的异议已被裁定不成立，请签收办理',
          'Your unit’s dispute of this dispatch was already ruled unfounded: sign for it and handle it',
        );
      }
      return {
        clocks: [],
        commit: () => {
          c.disputes.push({
            unitId: actor.unitId,
            reason: action.reason,
            basis: action.basis ?? null,
            at: new Date(now).toISOString(),
            ruling: null,
            ruledBy: null,
            ruledAt: null,
          });
          c.status = 'disputed';
          return action.basis ? `${action.reason}（依据：${action.basis}）` : action.reason;
        },
      };
    }
    case 'dispatch': {
      const disputed = c.status === 'disputed' ? c.disputes.at(-1) : undefined;
      // A 12345 order's sender may rule a dispute unfounded by sending the order back to the same unit.
      const rejects = disputed !== undefined && action.to.unitId === c.assignee.unitId;
      if (rejects && !(c.senderDecides && c.input.hotline)) {
        throw rule(
          'dispatch-same-unit',
          '该单位已对派单提出异议，请改派其他单位',
          'This unit disputed the order; dispatch it to another unit',
        );
      }
      return {
        clocks: [],
        commit: () => {
          if (disputed)
            Object.assign(disputed, {
              ruling: rejects ? 'rejected' : 'upheld',
              ruledBy: actor.userId,
              ruledAt: new Date(now).toISOString(),
            });
          c.assignee = { ...action.to };
          c.held.push(action.to.unitId);
          c.status = 'dispatched';
          c.dispatchedAt = now;
          if (rejects) return `异议不成立，仍由 ${action.to.unitId} 办理${action.note ? `：${action.note}` : ''}`;
          return `${disputed ? '异议成立，' : ''}改派至 ${action.to.unitId}${action.note ? `：${action.note}` : ''}`;
        },
      };
    }
    case 'escalate': {
      const target = escalationTarget(c.level, action.toLevel, c.input.urgency.mayJump);
      if (isViolation(target)) throw rule(target.code, target.zh, target.en);
      return planEscalation(c, target, action.reason, false, now);
    }
    case 'resolve':
      return {
        clocks: [
          {
            key: c.levelClock,
            label: levelLabel(c, c.level),
            clock: stopClock(currentClock(c), now, { actor: actor.userId, reason: '办结' }),
          },
        ],
        commit: () => {
          const at = new Date(now).toISOString();
          c.resolution = {
            level: c.level,
            unitId: actor.unitId,
            result: action.result,
            evidence: action.evidence,
            ...(action.noPhotoReason ? { noPhotoReason: action.noPhotoReason } : {}),
            at,
          };
          c.finalLevel = c.level;
          c.resolvedAt = at;
          c.onTime =
            c.lateUnits.length === 0 && c.clocks.status(c.levelClock, now)?.overdue !== true && !c.orderOverdue;
          c.status = 'verifying';
          return action.noPhotoReason ? `${action.result}（未附照片：${action.noPhotoReason}）` : action.result;
        },
      };
    case 'verify':
      if (!action.passed)
        return planReopen(c, now, `核查未通过：${action.note}`, () =>
          recordVerification(c, actor, action.passed, action.note, now),
        );
      return {
        clocks: c.input.hotline ? stopOrder(c, now, actor) : [],
        commit: () => {
          recordVerification(c, actor, true, action.note, now);
          c.closedAt = new Date(now).toISOString();
          if (c.input.callback) c.status = 'awaiting-callback';
          else c.finish(now);
          return action.note;
        },
      };
    case 'callback':
      return planCallback(c, actor, action, now);
    case 'urge':
      return {
        clocks: [],
        commit: () => {
          c.urgeCount += 1;
          const overdue = c.clocks.status(c.levelClock, now)?.overdue ? '，已超期' : '';
          // Whoever the event waits for: the dispatcher after a dispute, the verifier after resolving, else the holder.
          const unitId =
            c.status === 'disputed'
              ? dispatcher(c, c.level).unitId
              : c.status === 'verifying'
                ? verifier(c).unitId
                : c.assignee.unitId;
          c.outbox.push({
            caseId: c.input.caseId,
            key: `urge:${c.urgeCount}`,
            kind: 'urge',
            unitId,
            toLeader: true,
            message: `【督办】事件“${c.input.title}”（${c.input.caseId}）${LEVEL_LABEL[c.level]}${INCIDENT_STATUS_LABEL[c.status]}${overdue}，请抓紧办理并反馈。${action.message}`,
            at: new Date(now).toISOString(),
          });
          return action.message;
        },
      };
    case 'whistle': {
      if (c.level !== WHISTLE_LEVEL)
        throw rule(
          'whistle-level',
          '只有在三级（乡镇/街道）处置的事件才能吹哨',
          'Only an event at L3 (township) can blow the whistle',
        );
      const paused = planClock(
        c.clocks,
        c.levelClock,
        levelLabel(c, c.level),
        (clock) => pauseClock(clock!, now, `吹哨（${action.summons.caseId}），等待部门报到处置`, actor.userId),
        now,
      );
      return {
        clocks: [paused],
        commit: () => {
          c.summonses.push({ caseId: action.summons.caseId, at: new Date(now).toISOString(), outcome: null });
          c.beforeSummons = c.status;
          c.status = 'summoning';
          return `吹哨（${action.summons.caseId}）：${action.summons.reason.name}，召集 ${action.summons.units.map((u) => u.name).join('、')}`;
        },
      };
    }
    case 'extend': {
      const extended = planClock(
        c.clocks,
        ORDER,
        ORDER_LABEL,
        (order) => {
          if (!order || order.stoppedAt !== null)
            throw conflict(
              'order-clock-stopped',
              '工单时限已停止，无需延期',
              'The order clock has stopped; nothing to extend',
            );
          return extendClock(order, action.amount, now, action.reason, actor.userId);
        },
        now,
      );
      return {
        clocks: [extended],
        commit: () => {
          c.orderOverdue = false;
          return `延期 ${action.amount}（${extended.clock.budget.unit}）：${action.reason}`;
        },
      };
    }
  }
}

export function planEscalation(
  c: IncidentCase,
  target: IncidentLevelNo,
  reason: string,
  automatic: boolean,
  now: number,
): Plan {
  const from = c.level;
  const next = levelClockPlan(c, target, now, reason);
  return {
    clocks: [
      {
        key: c.levelClock,
        label: levelLabel(c, from),
        clock: stopClock(currentClock(c), now, { reason: automatic ? '超时自动上报' : `上报：${reason}` }),
      },
      next,
    ],
    commit: () => {
      c.escalations.push({ from, to: target, automatic, reason, at: new Date(now).toISOString() });
      c.level = target;
      c.levelClock = next.key;
      c.assignee = route(c, target);
      c.held.push(c.assignee.unitId);
      c.status = 'dispatched';
      c.dispatchedAt = now;
      return `${LEVEL_LABEL[from]} → ${LEVEL_LABEL[target]}：${reason}`;
    },
  };
}
