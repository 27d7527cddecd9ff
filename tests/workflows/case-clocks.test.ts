import { describe, expect, it } from 'vitest';
import type { CalendarData } from '../../domain/calendar';
import { startClock } from '../../domain/sla-clock';
import { CaseClocks } from '../../workflows/shared/case-clocks';

/*
 * When a case's loop wakes: the plain clock set, no Temporal server. The loop sleeps until
 * `nextWakeupMs` and then records the level changes reached; a wake-up that comes late must not
 * lose the change it was for.
 */

const calendar: CalendarData = { years: { '2026': { holidays: [], workdays: [] } } };
const T0 = Date.parse('2026-03-02T09:00:00+08:00'); // a Monday
const HOUR = 3_600_000;

function oneClock(): CaseClocks {
  const clocks = new CaseClocks({ data: calendar, fallback: 'refuse' });
  clocks.apply('task', '时限', () => startClock({ unit: 'hour', amount: 10 }, T0), T0);
  return clocks;
}

describe('CaseClocks.nextWakeupMs', () => {
  it('is the next colour change while the recorded colour is current', () => {
    const clocks = oneClock();
    const next = clocks.nextWakeupMs(T0)!;
    expect(next).toBeGreaterThan(T0);
    expect(clocks.status('task', next)!.level).not.toBe('green');
  });

  it('is now when a change is already due but not recorded (a late wake-up), and the next one once recorded', () => {
    const clocks = oneClock();
    const late = T0 + 9 * HOUR; // far past blue and yellow, before red
    expect(clocks.status('task', late)!.level).toBe('yellow');
    expect(clocks.nextWakeupMs(late)).toBe(late);
    expect(clocks.recordTransitions(late).map((c) => c.to)).toEqual(['blue', 'yellow']);
    expect(clocks.nextWakeupMs(late)).toBeGreaterThan(late);

    // Past the deadline with red unrecorded: no later change exists, yet the loop must wake now.
    const afterDeadline = T0 + 48 * HOUR;
    expect(clocks.status('task', afterDeadline)!.level).toBe('red');
    expect(clocks.nextWakeupMs(afterDeadline)).toBe(afterDeadline);
    expect(clocks.recordTransitions(afterDeadline).map((c) => c.to)).toEqual(['red']);
    expect(clocks.nextWakeupMs(afterDeadline)).toBeNull();
  });
});
