import { CalendarYearMissingError, type Duration } from '../../domain/calendar';
import { LEVEL_LABEL, limitBudget, limitLabel, type IncidentLevelNo } from '../../domain/incident';
import { startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import type { ClockChange } from '../shared/clock-plan';
import type { IncidentCase } from './incident-case';
import { rule } from './policy';

/** A 12345 order's own limit, beside the level clocks. */
export const ORDER = 'order';
export const ORDER_LABEL = '12345 工单办理时限';

/** The clock of a level's limit: a reopen (`round`) starts a fresh one. */
export function levelClockPlan(
  c: IncidentCase,
  level: IncidentLevelNo,
  now: number,
  reason: string,
  round = c.reopens,
): ClockChange {
  const limit = c.input.limits[level - 1];
  if (!limit)
    throw rule('incident-limit-missing', `${LEVEL_LABEL[level]}没有配置处置时限`, `No time limit for level ${level}`);
  const key = round > 0 ? `level-${level}-r${round}` : `level-${level}`;
  let budget: Duration;
  try {
    budget = limitBudget(limit, now, c.clocks.workingCalendar);
  } catch (err) {
    if (err instanceof CalendarYearMissingError)
      throw rule(err.code, `${err.year} 年的节假日数据尚未录入，无法计算期限`, `No holiday calendar for ${err.year}`);
    throw err;
  }
  const clock = startClock(budget, now, { reason: `${reason}（${limitLabel(limit)}）` });
  c.clocks.check(clock, now);
  return { key, label: levelLabel(c, level), clock };
}

export function levelLabel(c: IncidentCase, level: IncidentLevelNo): string {
  return `${LEVEL_LABEL[level]}处置时限`;
}

export function currentClock(c: IncidentCase): SlaClock {
  return c.clocks.clocks[c.levelClock]!.clock;
}

export function stopOrder(c: IncidentCase, now: number, actor: Actor): ClockChange[] {
  const order = c.clocks.clocks[ORDER]?.clock;
  return order && order.stoppedAt === null
    ? [{ key: ORDER, label: ORDER_LABEL, clock: stopClock(order, now, { actor: actor.userId, reason: '结案' }) }]
    : [];
}
