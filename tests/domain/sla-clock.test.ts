import { describe, expect, it } from 'vitest';
import { slaClockSchema } from '../../domain/sla-clock-schema';
import { buildCalendar, CalendarYearMissingError, type CalendarData } from '../../domain/calendar';
import {
  changeBudget,
  clockStatus,
  extendClock,
  pauseClock,
  recordLevelTransitions,
  resumeClock,
  SlaClockError,
  SlaClockErrorCode,
  startClock,
  stopClock,
  totalBudget,
  type SlaClock,
} from '../../domain/sla-clock';
import { OFFICIAL_2025_2026, sh } from './official-schedules';

const calendar = buildCalendar(OFFICIAL_2025_2026, { fallback: 'refuse' });
/** 24:00 Asia/Shanghai of a date, in UTC. */
const endOf = (date: string): string => `${date}T16:00:00.000Z`;
const iso = (date: string, time = '00:00'): string => sh(date, time).toISOString();

function expectClockError(fn: () => unknown, code: string): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SlaClockError);
  expect((error as SlaClockError).code).toBe(code);
}

describe('a running working-day clock', () => {
  // Accepted Fri 2025-01-24; the start day does not count; 3 working days: Sun Jan 26, Mon Jan 27, Wed Feb 5.
  const clock = startClock({ unit: 'workday', amount: 3 }, sh('2025-01-24', '10:00'), { actor: 'window-clerk' });

  it('starts green with the legal deadline and the level instants', () => {
    expect(clockStatus(clock, sh('2025-01-24', '10:00'), calendar)).toEqual({
      state: 'running',
      budget: { unit: 'workday', amount: 3 },
      consumed: 0,
      remaining: 3,
      fraction: 0,
      level: 'green',
      overdue: false,
      deadline: endOf('2025-02-05'),
      // 1.5 days: Sun Jan 26 and half of Mon Jan 27.
      blueAt: iso('2025-01-27', '12:00'),
      // 2.4 days: Jan 26, Jan 27 and 0.4 × 24 h of Feb 5.
      yellowAt: iso('2025-02-05', '09:36'),
      redAt: endOf('2025-02-05'),
      nextTransitionAt: iso('2025-01-27', '12:00'),
      fallbackYears: [],
      calendarWarnings: [],
    });
  });

  it('does not count the rest of the start day or the weekend', () => {
    expect(clockStatus(clock, sh('2025-01-26'), calendar).consumed).toBe(0);
  });

  it('turns blue, yellow and red as the budget is used', () => {
    const blue = clockStatus(clock, sh('2025-01-27', '18:00'), calendar);
    expect(blue).toMatchObject({ consumed: 1.75, level: 'blue', nextTransitionAt: iso('2025-02-05', '09:36') });
    expect(clockStatus(clock, sh('2025-02-05', '12:00'), calendar)).toMatchObject({ consumed: 2.5, level: 'yellow' });
    expect(clockStatus(clock, sh('2025-02-05', '23:59'), calendar)).toMatchObject({ level: 'yellow', overdue: false });
    const red = clockStatus(clock, sh('2025-02-06'), calendar);
    expect(red).toMatchObject({
      consumed: 3,
      remaining: 0,
      fraction: 1,
      level: 'red',
      overdue: true,
      nextTransitionAt: null,
    });
  });

  it('recomputes when the calendar changes', () => {
    const data: CalendarData = {
      ...OFFICIAL_2025_2026,
      overlays: { '540000': { holidays: [{ date: '2025-02-28', name: '藏历新年' }], workdays: [] } },
    };
    const c = startClock({ unit: 'workday', amount: 1 }, sh('2025-02-27', '10:00'));
    expect(clockStatus(c, sh('2025-02-27', '10:00'), calendar).deadline).toBe(endOf('2025-02-28'));
    const tibet = buildCalendar(data, { fallback: 'refuse', region: '540000' });
    expect(clockStatus(c, sh('2025-02-27', '10:00'), tibet).deadline).toBe(endOf('2025-03-03'));
  });
});

describe('pause and resume', () => {
  // Accepted Mon 2025-03-03: 5 working days are Mar 4, 5, 6, 7 and 10.
  const clock = startClock({ unit: 'workday', amount: 5 }, sh('2025-03-03', '10:00'));

  it('a pause covering exactly two working days moves the deadline by two working days', () => {
    const paused = pauseClock(clock, sh('2025-03-05'), '专家评审', 'reviewer');
    const status = clockStatus(paused, sh('2025-03-06', '10:00'), calendar);
    expect(status).toMatchObject({
      state: 'paused',
      consumed: 1,
      deadline: null,
      blueAt: null,
      nextTransitionAt: null,
      level: 'green',
    });
    const resumed = resumeClock(paused, sh('2025-03-07'));
    expect(clockStatus(clock, sh('2025-03-03', '10:00'), calendar).deadline).toBe(endOf('2025-03-10'));
    expect(clockStatus(resumed, sh('2025-03-07'), calendar).deadline).toBe(endOf('2025-03-12'));
  });

  it('a pause over the Spring Festival only shifts by the working days inside it', () => {
    // Accepted Wed 2025-01-22: Jan 23, 24, Sun 26, Mon 27, Wed Feb 5.
    const c = startClock({ unit: 'workday', amount: 5 }, sh('2025-01-22', '10:00'));
    expect(clockStatus(c, sh('2025-01-22', '10:00'), calendar).deadline).toBe(endOf('2025-02-05'));
    // Paused from 00:00 Jan 27 to 00:00 Feb 6: the working days Jan 27 and Feb 5 → Feb 6, Feb 7.
    const shifted = resumeClock(pauseClock(c, sh('2025-01-27'), '听证'), sh('2025-02-06'));
    expect(clockStatus(shifted, sh('2025-02-06'), calendar).deadline).toBe(endOf('2025-02-07'));
  });

  it('runs the remaining budget from the resume instant and rounds the deadline up to the end of a working day', () => {
    // Accepted Mon 2025-03-03, 3 working days: end of Mar 6. Half of Mar 4 used before the pause.
    const c = startClock({ unit: 'workday', amount: 3 }, sh('2025-03-03', '10:00'));
    const resumed = resumeClock(pauseClock(c, sh('2025-03-04', '12:00'), '检测'), sh('2025-03-06', '18:00'));
    // 2.5 days from Thu 18:00: 0.25 of Mar 6, Fri Mar 7, the weekend, Mon Mar 10, 0.25 of Mar 11 → 24:00 Mar 11.
    const status = clockStatus(resumed, sh('2025-03-06', '18:00'), calendar);
    expect(status.deadline).toBe(endOf('2025-03-11'));
    expect(status.redAt).toBe(endOf('2025-03-11'));
    // Consumption reaches the budget at 06:00 Mar 11, before the rounded deadline: not red yet.
    expect(clockStatus(resumed, sh('2025-03-11', '12:00'), calendar)).toMatchObject({
      level: 'yellow',
      overdue: false,
      remaining: -0.25,
    });
  });

  it('ignores a pause inside the uncounted start day', () => {
    const c = resumeClock(pauseClock(clock, sh('2025-03-03', '11:00'), '补正材料'), sh('2025-03-03', '15:00'));
    expect(clockStatus(c, sh('2025-03-03', '15:00'), calendar).deadline).toBe(endOf('2025-03-10'));
  });

  it('shifts a natural-hours deadline by exactly the pause', () => {
    const c = startClock({ unit: 'hour', amount: 24 }, sh('2025-01-27', '10:00'));
    expect(clockStatus(c, sh('2025-01-27', '10:00'), calendar).deadline).toBe(iso('2025-01-28', '10:00'));
    const paused = resumeClock(pauseClock(c, sh('2025-01-27', '12:00'), '等待现场核查'), sh('2025-01-27', '13:30'));
    expect(clockStatus(paused, sh('2025-01-27', '14:00'), calendar)).toMatchObject({
      consumed: 2.5,
      deadline: iso('2025-01-28', '11:30'),
    });
  });

  it('shows a deadline missed before the pause', () => {
    const c = pauseClock(
      startClock({ unit: 'minute', amount: 30 }, sh('2025-01-28', '10:00')),
      sh('2025-01-28', '11:00'),
      '挂起',
    );
    expect(clockStatus(c, sh('2025-01-28', '12:00'), calendar)).toMatchObject({
      state: 'paused',
      level: 'red',
      overdue: true,
      deadline: iso('2025-01-28', '10:30'),
      consumed: 60,
    });
  });
});

describe('office-hour and natural-minute budgets', () => {
  it('counts a working-hours budget from the start instant, across the weekend to a make-up Sunday', () => {
    // Fri Jan 24: 7 office hours; the eighth is 09:00–10:00 on the make-up Sunday Jan 26.
    const c = startClock({ unit: 'workhour', amount: 8 }, sh('2025-01-24', '09:00'));
    expect(clockStatus(c, sh('2025-01-24', '09:00'), calendar).deadline).toBe(iso('2025-01-26', '10:00'));
  });

  it('runs a 30-minute urgent budget through midnight on a holiday', () => {
    const c = startClock({ unit: 'minute', amount: 30 }, sh('2025-01-28', '23:50'));
    expect(clockStatus(c, sh('2025-01-28', '23:50'), calendar).deadline).toBe('2025-01-28T16:20:00.000Z');
  });
});

describe('extensions and budget changes', () => {
  const clock = startClock({ unit: 'workday', amount: 5 }, sh('2025-03-03', '10:00'));

  it('an extension adds working days to the deadline', () => {
    const extended = extendClock(clock, 2, sh('2025-03-06'), '情况复杂', 'center-director');
    expect(totalBudget(extended)).toEqual({ unit: 'workday', amount: 7 });
    expect(clockStatus(extended, sh('2025-03-06'), calendar)).toMatchObject({
      budget: { unit: 'workday', amount: 7 },
      deadline: endOf('2025-03-12'),
    });
    expect(extended.extensions).toEqual([
      { amount: 2, at: iso('2025-03-06'), reason: '情况复杂', approvedBy: 'center-director' },
    ]);
  });

  it('may extend while paused', () => {
    const paused = pauseClock(clock, sh('2025-03-05'), '专家评审');
    expect(extendClock(paused, 1, sh('2025-03-06'), '延期', 'director').extensions).toHaveLength(1);
  });

  it('a budget change recomputes the deadline and keeps extensions', () => {
    const changed = changeBudget(
      extendClock(clock, 1, sh('2025-03-04'), '延期', 'director'),
      { unit: 'workday', amount: 3 },
      sh('2025-03-04'),
      '承诺时限调整',
    );
    expect(clockStatus(changed, sh('2025-03-04'), calendar).deadline).toBe(endOf('2025-03-07'));
  });

  it('a budget cut below the time used turns the clock red at once', () => {
    const cut = changeBudget(clock, { unit: 'workday', amount: 1 }, sh('2025-03-06'), '承诺时限调整');
    expect(clockStatus(cut, sh('2025-03-06'), calendar)).toMatchObject({
      level: 'red',
      overdue: true,
      deadline: endOf('2025-03-04'),
    });
  });
});

describe('stopping', () => {
  const clock = startClock({ unit: 'workday', amount: 5 }, sh('2025-03-03', '10:00'));

  it('freezes consumption and keeps the deadline in force at the stop', () => {
    const stopped = stopClock(clock, sh('2025-03-05', '12:00'), { reason: '办结', actor: 'approver' });
    const later = clockStatus(stopped, sh('2025-04-01'), calendar);
    expect(later).toMatchObject({
      state: 'stopped',
      consumed: 1.5,
      level: 'green',
      overdue: false,
      deadline: endOf('2025-03-10'),
      nextTransitionAt: null,
    });
    expect(later.blueAt).toBeNull();
  });

  it('records a late completion as overdue', () => {
    const stopped = stopClock(clock, sh('2025-03-11', '09:00'));
    expect(clockStatus(stopped, sh('2025-04-01'), calendar)).toMatchObject({
      state: 'stopped',
      level: 'red',
      overdue: true,
      deadline: endOf('2025-03-10'),
    });
  });

  it('may stop while paused', () => {
    const stopped = stopClock(pauseClock(clock, sh('2025-03-05'), '听证'), sh('2025-03-06'));
    expect(clockStatus(stopped, sh('2025-03-07'), calendar)).toMatchObject({
      state: 'stopped',
      consumed: 1,
      deadline: null,
    });
  });
});

describe('the ledger', () => {
  it('records every event with its instant, reason and actor', () => {
    let c = startClock({ unit: 'workday', amount: 5 }, sh('2025-03-03', '10:00'), { reason: '受理', actor: 'clerk' });
    c = pauseClock(c, sh('2025-03-04'), '专家评审', 'clerk');
    c = resumeClock(c, sh('2025-03-05'), { reason: '评审结束', actor: 'clerk' });
    c = extendClock(c, 2, sh('2025-03-05', '10:00'), '情况复杂', 'director');
    c = changeBudget(c, { unit: 'workday', amount: 4 }, sh('2025-03-05', '11:00'), '目录调整', 'admin');
    c = stopClock(c, sh('2025-03-06'), { reason: '办结', actor: 'approver' });
    expect(c.ledger).toEqual([
      {
        kind: 'start',
        at: iso('2025-03-03', '10:00'),
        budget: { unit: 'workday', amount: 5 },
        reason: '受理',
        actor: 'clerk',
      },
      { kind: 'pause', at: iso('2025-03-04'), reason: '专家评审', actor: 'clerk' },
      { kind: 'resume', at: iso('2025-03-05'), reason: '评审结束', actor: 'clerk' },
      { kind: 'extend', at: iso('2025-03-05', '10:00'), amount: 2, reason: '情况复杂', approvedBy: 'director' },
      {
        kind: 'budget-change',
        at: iso('2025-03-05', '11:00'),
        from: { unit: 'workday', amount: 5 },
        to: { unit: 'workday', amount: 4 },
        reason: '目录调整',
        actor: 'admin',
      },
      { kind: 'stop', at: iso('2025-03-06'), reason: '办结', actor: 'approver' },
    ]);
    expect(c.pauses).toEqual([{ from: iso('2025-03-04'), to: iso('2025-03-05'), reason: '专家评审' }]);
  });

  it('survives a JSON round trip through the schema', () => {
    let c = startClock({ unit: 'workday', amount: 5 }, sh('2025-03-03', '10:00'), { thresholds: { blue: 0.6 } });
    c = pauseClock(c, sh('2025-03-04'), '专家评审');
    const copy: SlaClock = slaClockSchema.parse(JSON.parse(JSON.stringify(c)));
    expect(copy).toEqual(c);
    expect(clockStatus(copy, sh('2025-03-05'), calendar)).toEqual(clockStatus(c, sh('2025-03-05'), calendar));
    expect(copy.thresholds).toEqual({ blue: 0.6, yellow: 0.8, red: 1 });
  });
});

describe('recordLevelTransitions', () => {
  const clock = startClock({ unit: 'workday', amount: 3 }, sh('2025-01-24', '10:00'));

  it('records each level once, at the instant it was reached', () => {
    const early = recordLevelTransitions(clock, sh('2025-01-26'), calendar);
    expect(early).toBe(clock);
    const blue = recordLevelTransitions(clock, sh('2025-01-27', '13:00'), calendar);
    expect(blue.ledger.slice(1)).toEqual([
      { kind: 'level', at: iso('2025-01-27', '12:00'), from: 'green', to: 'blue' },
    ]);
    const red = recordLevelTransitions(blue, sh('2025-02-06', '08:00'), calendar);
    expect(red.ledger.slice(2)).toEqual([
      { kind: 'level', at: iso('2025-02-05', '09:36'), from: 'blue', to: 'yellow' },
      { kind: 'level', at: endOf('2025-02-05'), from: 'yellow', to: 'red' },
    ]);
    expect(red.recordedLevel).toBe('red');
    expect(recordLevelTransitions(red, sh('2025-02-07'), calendar)).toBe(red);
  });

  it('records every level reached since the last call in one go', () => {
    const red = recordLevelTransitions(clock, sh('2025-02-06'), calendar);
    expect(red.ledger.slice(1).map((e) => e.kind === 'level' && e.to)).toEqual(['blue', 'yellow', 'red']);
  });

  it('records a drop after an extension, and a later rise again', () => {
    const red = recordLevelTransitions(clock, sh('2025-02-06'), calendar);
    // +2 days: 5 in all, 3 + 1/24 used at 01:00 Feb 6 → blue.
    const extended = extendClock(red, 2, sh('2025-02-06', '01:00'), '延期', 'director');
    const dropped = recordLevelTransitions(extended, sh('2025-02-06', '01:00'), calendar);
    expect(dropped.ledger.at(-1)).toEqual({ kind: 'level', at: iso('2025-02-06', '01:00'), from: 'red', to: 'blue' });
    const again = recordLevelTransitions(dropped, sh('2025-02-07', '12:00'), calendar);
    // 4 days used at 24:00 Feb 6 = 80 % of 5.
    expect(again.ledger.at(-1)).toEqual({ kind: 'level', at: endOf('2025-02-06'), from: 'blue', to: 'yellow' });
  });
});

describe('years without calendar data', () => {
  it('carries the fallback years and a warning in the status', () => {
    const lenient = buildCalendar(OFFICIAL_2025_2026, { fallback: 'weekdays' });
    const c = startClock({ unit: 'workday', amount: 3 }, sh('2026-12-30', '10:00'));
    const status = clockStatus(c, sh('2026-12-30', '10:00'), lenient);
    expect(status.deadline).toBe(endOf('2027-01-04'));
    expect(status.fallbackYears).toEqual([2027]);
    expect(status.calendarWarnings).toEqual([
      '2027 年节假日数据缺失，已按周一至周五工作日计算 / No holiday calendar for 2027: Monday–Friday counted as working days',
    ]);
  });

  it('refuses with the calendar error when the calendar refuses', () => {
    const c = startClock({ unit: 'workday', amount: 3 }, sh('2026-12-30', '10:00'));
    expect(() => clockStatus(c, sh('2026-12-30', '10:00'), calendar)).toThrow(CalendarYearMissingError);
  });
});

describe('invalid operations', () => {
  const clock = startClock({ unit: 'workday', amount: 5 }, sh('2025-03-03', '10:00'));
  const paused = pauseClock(clock, sh('2025-03-04'), '听证');
  const stopped = stopClock(clock, sh('2025-03-05'));

  it.each([
    ['pause while paused', () => pauseClock(paused, sh('2025-03-05'), 'again'), SlaClockErrorCode.alreadyPaused],
    ['resume while running', () => resumeClock(clock, sh('2025-03-05')), SlaClockErrorCode.notPaused],
    ['extend a stopped clock', () => extendClock(stopped, 1, sh('2025-03-06'), 'x', 'y'), SlaClockErrorCode.stopped],
    ['pause a stopped clock', () => pauseClock(stopped, sh('2025-03-06'), 'x'), SlaClockErrorCode.stopped],
    ['stop twice', () => stopClock(stopped, sh('2025-03-06')), SlaClockErrorCode.stopped],
    [
      'change the budget of a stopped clock',
      () => changeBudget(stopped, { unit: 'workday', amount: 3 }, sh('2025-03-06'), 'x'),
      SlaClockErrorCode.stopped,
    ],
    [
      'extend by a negative amount',
      () => extendClock(clock, -1, sh('2025-03-05'), 'x', 'y'),
      SlaClockErrorCode.invalidAmount,
    ],
    ['extend by zero', () => extendClock(clock, 0, sh('2025-03-05'), 'x', 'y'), SlaClockErrorCode.invalidAmount],
    [
      'start with a zero budget',
      () => startClock({ unit: 'hour', amount: 0 }, sh('2025-03-05')),
      SlaClockErrorCode.invalidAmount,
    ],
    [
      'change to a negative budget',
      () => changeBudget(clock, { unit: 'workday', amount: -2 }, sh('2025-03-05'), 'x'),
      SlaClockErrorCode.invalidAmount,
    ],
    [
      'change the budget unit',
      () => changeBudget(clock, { unit: 'hour', amount: 40 }, sh('2025-03-05'), 'x'),
      SlaClockErrorCode.unitMismatch,
    ],
    [
      'thresholds out of order',
      () => startClock({ unit: 'hour', amount: 2 }, sh('2025-03-05'), { thresholds: { blue: 0.9 } }),
      SlaClockErrorCode.invalidThresholds,
    ],
    [
      'an event before the last one',
      () => pauseClock(clock, sh('2025-03-03', '09:00'), 'x'),
      SlaClockErrorCode.outOfOrder,
    ],
    [
      'an instant without a zone',
      () => pauseClock(clock, '2025-03-04T10:00:00', 'x'),
      SlaClockErrorCode.invalidInstant,
    ],
    [
      'an invalid date',
      () => startClock({ unit: 'hour', amount: 2 }, new Date(Number.NaN)),
      SlaClockErrorCode.invalidInstant,
    ],
  ])('%s', (_name, fn, code) => {
    expectClockError(fn, code);
  });

  it('never mutates the clock it is given', () => {
    const snapshot = JSON.stringify(clock);
    pauseClock(clock, sh('2025-03-04'), '听证');
    extendClock(clock, 1, sh('2025-03-04'), 'x', 'y');
    recordLevelTransitions(clock, sh('2025-04-01'), calendar);
    expect(JSON.stringify(clock)).toBe(snapshot);
  });
});
