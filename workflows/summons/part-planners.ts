import { RATING_LABEL, type Rating } from '../../domain/summons';
import { pauseClock, resumeClock, stopClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import { planClock } from '../shared/clock-plan';
import type { DisputeRecord, PartAction, PartActionInput } from './definitions';
import type { PartCase, Plan } from './part-case';
import { handleClock, overdue, stopRunning } from './part-clocks';
import { authorise, rule } from './part-policy';

/** Check an action (who, when, the rules) and plan it: nothing changes until the plan is committed. */
export function plan(c: PartCase, { actor, action }: PartActionInput, now: number): Plan {
  authorise(c, actor, action.type);
  const at = new Date(now).toISOString();
  switch (action.type) {
    case 'acknowledge': {
      const stop = stopRunning(c, now, actor, '报到');
      const handle = handleClock(c, now, '报到后开始处置');
      return {
        clocks: [...stop, handle],
        commit: () => {
          c.acknowledgedAt = at;
          c.handleRound += 1;
          // Already false after a miss; otherwise in time unless the (now stopped) window had run out.
          c.ackOnTime ??= !overdue(c, c.runningClock, now);
          c.runningClock = handle.key;
          c.status = 'acknowledged';
          return action.note ?? '已报到';
        },
      };
    }
    case 'arrive':
      return {
        clocks: [],
        commit: () => {
          c.onSiteAt ??= at;
          c.status = 'on-site';
          return action.note ?? '已到场';
        },
      };
    case 'report':
      if (c.status === 'acknowledged')
        throw rule(
          'summons-arrive-first',
          '请先到场（确认到场后再反馈结果）',
          'Confirm arrival on site before reporting the result',
        );
      if (action.evidence.length === 0 && !action.files?.length)
        throw rule(
          'evidence-required',
          '反馈结果须附处置证据（照片、记录等）',
          'A result report needs evidence (photos, records)',
        );
      return {
        clocks: stopRunning(c, now, actor, '反馈结果'),
        commit: () => {
          c.result = { text: action.result, evidence: action.evidence, at };
          c.resultOnTime = !overdue(c, c.runningClock, now) && !c.misses.some((m) => m.kind === 'result');
          c.runningClock = '';
          c.status = 'reported';
          return action.result;
        },
      };
    case 'dispute': {
      const key = c.runningClock;
      // After a red card no 报到 window runs: nothing to pause.
      const paused = key
        ? [
            planClock(
              c.clocks,
              key,
              c.clocks.clocks[key]!.label,
              (clock) => pauseClock(clock!, now, `职责异议：${action.reason}`, actor.userId),
              now,
            ),
          ]
        : [];
      return {
        clocks: paused,
        commit: () => {
          c.disputes.push({
            ordinal: c.disputes.length + 1,
            reason: action.reason,
            raisedBy: actor.userId,
            raisedAt: at,
            ruling: null,
            ruledBy: null,
            ruledAt: null,
            ruleNote: null,
            resummonedUnitId: null,
            disputedMs: null,
          });
          c.beforeDispute = c.status;
          c.status = 'disputed';
          return action.reason;
        },
      };
    }
    case 'rule':
      return planRuling(c, actor, action, now);
    case 'accept':
      return {
        clocks: [],
        commit: () => {
          c.acceptedAt = at;
          c.status = 'accepted';
          if (action.rating) rate(c, actor, action.rating, action.comment, now);
          return action.note ?? '结果验收通过';
        },
      };
    case 'send-back': {
      const handle = handleClock(c, now, `退回重办：${action.reason}`);
      return {
        clocks: [handle],
        commit: () => {
          c.sendBacks.push({ reason: action.reason, at });
          c.handleRound += 1;
          c.result = null;
          c.runningClock = handle.key;
          c.status = 'on-site';
          return `事不完、人不撤：${action.reason}`;
        },
      };
    }
    case 'rate':
      return { clocks: [], commit: () => rate(c, actor, action.rating, action.comment, now) };
    case 'withdraw':
      return {
        clocks: stopRunning(c, now, actor, `撤回召集：${action.reason}`),
        commit: () => {
          if (action.rating) rate(c, actor, action.rating, action.comment, now);
          c.end('withdrawn', now);
          return action.reason;
        },
      };
  }
}

function planRuling(c: PartCase, actor: Actor, action: Extract<PartAction, { type: 'rule' }>, now: number): Plan {
  const at = new Date(now).toISOString();
  const pending = c.disputes.at(-1)!;
  const key = c.runningClock;
  if (!action.upheld && action.resummon)
    throw rule(
      'summons-resummon-needs-upheld',
      '驳回异议时不能改召其他单位',
      'Only an upheld dispute can re-summon another unit',
    );
  const clocks = key
    ? [
        planClock(
          c.clocks,
          key,
          c.clocks.clocks[key]!.label,
          (clock) => {
            const resumed = resumeClock(clock!, now, {
              actor: actor.userId,
              reason: action.upheld ? '异议成立' : '异议不成立，恢复计时',
            });
            return action.upheld
              ? stopClock(resumed, now, { actor: actor.userId, reason: '异议成立，不属该单位职责' })
              : resumed;
          },
          now,
        ),
      ]
    : [];
  return {
    clocks,
    commit: () => {
      Object.assign(pending, {
        ruling: action.upheld ? 'upheld' : 'rejected',
        ruledBy: actor.userId,
        ruledAt: at,
        ruleNote: action.note,
        resummonedUnitId: action.resummon?.unitId ?? null,
        disputedMs: now - Date.parse(pending.raisedAt),
      } satisfies Partial<DisputeRecord>);
      if (!action.upheld) {
        c.status = c.beforeDispute;
        return `异议不成立：${action.note}`;
      }
      c.resummon = action.resummon ?? null;
      c.runningClock = '';
      c.end('released', now);
      return `异议成立：${action.note}${action.resummon ? `；改召 ${action.resummon.name}` : ''}`;
    },
  };
}

function rate(c: PartCase, actor: Actor, rating: Rating, comment: string | undefined, now: number): string {
  const at = new Date(now).toISOString();
  c.rating = { rating, comment: comment ?? null, by: actor.userId, at };
  if (c.status === 'accepted') c.end('completed', now);
  return `评价：${RATING_LABEL[rating]}${comment ? `，${comment}` : ''}`;
}
