import { SATISFACTION_LABEL } from '../../domain/incident';
import type { Actor } from '../shared/actor';
import { levelClockPlan } from './clocks';
import type { IncidentAction } from './definitions';
import type { IncidentCase, Plan } from './incident-case';

// After the event is resolved: the verification (核查) is recorded, the callback (回访) may close it or
// reopen it, and a reopen (重办) sends it back to the level that resolved it.

export function planCallback(
  c: IncidentCase,
  actor: Actor,
  action: Extract<IncidentAction, { type: 'callback' }>,
  now: number,
): Plan {
  const atDeadline = c.status !== 'awaiting-callback';
  const record = () => {
    c.callbacks.push({
      satisfaction: action.satisfaction,
      resolved: action.resolved,
      note: action.note ?? null,
      by: actor.userId,
      at: new Date(now).toISOString(),
      atDeadline,
    });
    if (atDeadline) c.callbackDue = false;
  };
  const label = `回访：${SATISFACTION_LABEL[action.satisfaction]}${action.note ? `，${action.note}` : ''}`;
  if (!atDeadline && action.satisfaction === 'unsatisfied')
    return planReopen(c, now, `回访不满意：${action.note ?? ''}`, record);
  return {
    clocks: [],
    commit: () => {
      record();
      if (!atDeadline) c.finish(now);
      return label;
    },
  };
}

/** 重办: back to handling at the resolving level and unit, with that level's limit anew. */
export function planReopen(c: IncidentCase, now: number, reason: string, record: () => void): Plan {
  const level = c.resolution?.level ?? c.level;
  const next = levelClockPlan(c, level, now, reason, c.reopens + 1);
  return {
    clocks: [next],
    commit: () => {
      record();
      c.reopens += 1;
      c.level = level;
      c.levelClock = next.key;
      c.finalLevel = null;
      c.onTime = null;
      c.closedAt = null;
      c.resolvedAt = null;
      c.status = 'handling';
      return reason;
    },
  };
}

export function recordVerification(c: IncidentCase, actor: Actor, passed: boolean, note: string, now: number): void {
  c.verifications.push({ passed, note, by: actor.userId, at: new Date(now).toISOString() });
}
