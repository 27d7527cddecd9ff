import { CalendarYearMissingError } from '../../domain/calendar';
import { limitBudget, limitLabel } from '../../domain/incident';
import { startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import type { ClockChange } from '../shared/clock-plan';
import type { PartCase } from './part-case';
import { rule } from './part-policy';

/** The clock of the current 报到 window (`respond-n`). */
export function respondClock(c: PartCase, now: number, reason: string): ClockChange {
  const key = `respond-${c.respondRound}`;
  const clock = startClock(c.input.limits.response, now, { reason });
  c.clocks.check(clock, now);
  return { key, label: `报到时限（第 ${c.respondRound} 次）`, clock };
}

export function handleClock(c: PartCase, now: number, reason: string): ClockChange {
  const round = c.handleRound + 1;
  const limit = c.input.limits.handling;
  let clock: SlaClock;
  try {
    clock = startClock(limitBudget(limit, now, c.clocks.workingCalendar), now, {
      reason: `${reason}（${limitLabel(limit)}）`,
    });
  } catch (err) {
    if (err instanceof CalendarYearMissingError)
      throw rule(err.code, `${err.year} 年的节假日数据尚未录入，无法计算期限`, `No holiday calendar for ${err.year}`);
    throw err;
  }
  c.clocks.check(clock, now);
  // The round counts only once the plan is carried out (its commit): validators change nothing.
  return { key: `handle-${round}`, label: `结果反馈时限（第 ${round} 轮）`, clock };
}

export function stopRunning(c: PartCase, now: number, actor: Pick<Actor, 'userId'>, reason: string): ClockChange[] {
  const key = c.runningClock;
  const named = key ? c.clocks.clocks[key] : undefined;
  if (!named || named.clock.stoppedAt !== null) return [];
  return [{ key, label: named.label, clock: stopClock(named.clock, now, { actor: actor.userId, reason }) }];
}

export function deadlineOf(c: PartCase, key: string, now: number): string | null {
  return c.clocks.status(key, now)?.deadline ?? null;
}

export function overdue(c: PartCase, key: string, now: number): boolean {
  return key !== '' && c.clocks.status(key, now)?.overdue === true;
}
