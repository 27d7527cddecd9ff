import { clockLevelNote, systemNote } from '../shared/case-machine';
import { carryOut } from '../shared/clock-plan';
import { noticesTo } from '../shared/notices';
import type { PartStatus } from './definitions';
import type { PartCase, PartEffects } from './part-case';
import { deadlineOf, respondClock, stopRunning } from './part-clocks';

/** States in which the unit works on its part and a clock runs (报到 or result). */
const WORKING: ReadonlySet<PartStatus> = new Set(['notified', 'acknowledged', 'on-site']);

/** Timers: colour changes, and a running limit that turned red is a miss (督办; the configured miss is a red card). */
export function tick(c: PartCase, now: number): PartEffects {
  const effects: PartEffects = { notes: [], notices: [] };
  const changes = c.clocks.recordTransitions(now);
  if (changes.length) effects.notes.push(clockLevelNote(changes, c.touch(now)));
  if (WORKING.has(c.status) && changes.some((change) => change.key === c.runningClock && change.to === 'red'))
    miss(c, now, effects);
  return effects;
}

/**
 * A running limit expired: record the miss; before the red-card miss, 督办 to the unit's leader
 * (and an agency's department) and the county command centre, and a new 报到 window; at it, a
 * red card to the same. A missed 报到 window is closed (its ledger: red, then stopped), so the
 * case's colour and deadline follow the window that runs now; after the red card none runs.
 */
function miss(c: PartCase, now: number, effects: PartEffects): void {
  const i = c.input;
  const at = c.touch(now);
  const before = c.auditState();
  const kind = c.status === 'notified' ? 'acknowledge' : 'result';
  const ordinal = c.misses.length + 1;
  const redCard = !c.redCard && ordinal >= i.limits.redCardAtMiss;
  const deadline = deadlineOf(c, c.runningClock, now) ?? at;
  c.misses.push({ ordinal, kind, deadline, at, redCard });
  if (kind === 'acknowledge') c.ackOnTime = false;
  else c.resultOnTime = false;
  if (redCard) {
    c.redCard = true;
    c.redCardAt = at;
  }
  const what = kind === 'acknowledge' ? '未按时报到' : '未按时反馈结果';
  if (kind === 'acknowledge') {
    if (c.closeMissedWindows) {
      const closed = stopRunning(
        c,
        now,
        { userId: 'system' },
        `报到时限已过（第 ${ordinal} 次${what}），本次报到窗口关闭`,
      );
      carryOut(c.clocks, { clocks: closed, commit: () => null }, now);
      c.runningClock = '';
    }
    if (!c.redCard) {
      c.respondRound += 1;
      const next = respondClock(c, now, `第 ${ordinal} 次${what}，督办后重新计时`);
      carryOut(c.clocks, { clocks: [next], commit: () => null }, now);
      c.runningClock = next.key;
    }
  }
  const reason = `${i.unit.name}${what}（第 ${ordinal} 次）${redCard ? '：红牌' : '：督办'}`;
  c.history.push({
    at,
    actorId: 'system',
    unitId: null,
    role: 'system',
    action: redCard ? 'red-card' : 'miss',
    note: reason,
  });
  effects.notes.push(
    systemNote(
      redCard ? 'summons.part.red-card' : 'summons.part.miss',
      reason,
      before,
      { ...c.auditState(), miss: c.misses.at(-1) },
      at,
    ),
  );
  const subject = `吹哨事项“${i.title}”（${i.summonsId}）`;
  const message = redCard
    ? `【红牌】${i.unit.name}${what}已第 ${ordinal} 次，${subject}，请立即报到并处置。`
    : `【督办】${i.unit.name}${what}，${subject}，请立即办理。`;
  const units = [i.unit.unitId, ...(i.unit.kind === 'agency' ? [i.unit.departmentId] : []), i.arbiter.unitId];
  effects.notices.push(
    ...noticesTo(units, {
      caseId: i.caseId,
      key: `miss:${ordinal}`,
      kind: redCard ? 'red-card' : 'overdue',
      toLeader: true,
      message,
      at,
    }),
  );
}
