import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendar, unitMs, type Duration, type DurationUnit } from '../../domain/calendar';
import {
  clockStatus,
  extendClock,
  pauseClock,
  resumeClock,
  SLA_LEVELS,
  startClock,
  type SlaClock,
  type SlaClockStatus,
} from '../../domain/sla-clock';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../domain/time';
import { OFFICIAL_2025_2026 } from './official-schedules';

const calendar = buildCalendar(OFFICIAL_2025_2026, { fallback: 'weekdays' });

const start = fc.integer({
  min: Date.parse('2025-01-01T00:00:00+08:00'),
  max: Date.parse('2026-06-30T00:00:00+08:00'),
});
const MAX_AMOUNT: Record<DurationUnit, number> = { workday: 20, workhour: 60, minute: 600, hour: 72, day: 10 };
const budgetOf = (units: readonly DurationUnit[]): fc.Arbitrary<Duration> =>
  fc
    .constantFrom(...units)
    .chain((unit) => fc.integer({ min: 1, max: MAX_AMOUNT[unit] }).map((amount) => ({ unit, amount })));
const anyBudget = budgetOf(['workday', 'workhour', 'minute', 'hour', 'day']);
const naturalBudget = budgetOf(['minute', 'hour', 'day']);

const status = (clock: SlaClock, now: number): SlaClockStatus => clockStatus(clock, now, calendar);
const deadlineMs = (clock: SlaClock, now: number): number => Date.parse(status(clock, now).deadline ?? 'missing');
const rank = (s: SlaClockStatus): number => SLA_LEVELS.indexOf(s.level);
const isEndOfWorkingDay = (ms: number): boolean =>
  (ms + SHANGHAI_OFFSET_MS) % DAY_MS === 0 &&
  calendar.isWorkingDay(new Date(ms - 1 + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10)).value;

describe('SLA clock properties', () => {
  it('a pause of duration d shifts a natural-unit deadline by exactly d', () => {
    fc.assert(
      fc.property(
        start,
        naturalBudget,
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.integer({ min: 0, max: 10 * DAY_MS }),
        (t0, budget, where, d) => {
          const clock = startClock(budget, t0);
          const pauseAt = t0 + Math.floor(where * budget.amount * unitMs(budget.unit));
          const paused = resumeClock(pauseClock(clock, pauseAt, 'p'), pauseAt + d);
          expect(deadlineMs(paused, pauseAt + d)).toBe(deadlineMs(clock, t0) + d);
        },
      ),
    );
  });

  it('a pause covering exactly k working days shifts a working-day deadline by exactly k working days', () => {
    fc.assert(
      fc.property(
        start,
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 1, max: 10 }),
        (t0, n, jRaw, k) => {
          const j = Math.min(jRaw, n);
          const clock = startClock({ unit: 'workday', amount: n }, t0);
          const endOfNth = (m: number): number => calendar.deadline('workday', t0, m).value.getTime();
          // From 00:00 of the j-th counted working day to 24:00 of the (j+k-1)-th.
          const pauseFrom = endOfNth(j) - DAY_MS;
          const pauseTo = endOfNth(j + k - 1);
          const paused = resumeClock(pauseClock(clock, pauseFrom, 'p'), pauseTo);
          expect(deadlineMs(clock, t0)).toBe(endOfNth(n));
          expect(deadlineMs(paused, pauseTo)).toBe(endOfNth(n + k));
        },
      ),
    );
  });

  it('pausing and resuming at the same instant changes nothing', () => {
    fc.assert(
      fc.property(
        start,
        anyBudget,
        fc.integer({ min: 0, max: 30 * DAY_MS }),
        fc.integer({ min: 0, max: 30 * DAY_MS }),
        (t0, budget, at, later) => {
          const clock = startClock(budget, t0);
          const blink = resumeClock(pauseClock(clock, t0 + at, 'p'), t0 + at);
          const now = t0 + at + later;
          // Consumption is a sum of floats over one more interval: equal up to rounding.
          const { consumed, remaining, fraction, ...instants } = status(blink, now);
          const { consumed: c0, remaining: r0, fraction: f0, ...plainInstants } = status(clock, now);
          expect(instants).toEqual(plainInstants);
          expect(consumed).toBeCloseTo(c0, 9);
          expect(remaining).toBeCloseTo(r0, 9);
          expect(fraction).toBeCloseTo(f0, 9);
        },
      ),
    );
  });

  it('an extension by x moves the deadline by x in the budget unit', () => {
    fc.assert(
      fc.property(start, anyBudget, fc.integer({ min: 1, max: 10 }), (t0, budget, x) => {
        const clock = startClock(budget, t0);
        const before = deadlineMs(clock, t0);
        const after = deadlineMs(extendClock(clock, x, t0, 'r', 'a'), t0);
        expect(after).toBe(calendar.advance(budget.unit, before, x).value.getTime());
        if (budget.unit !== 'workday' && budget.unit !== 'workhour')
          expect(after).toBe(before + x * unitMs(budget.unit));
      }),
    );
  });

  it('pauses never bring a deadline forward, and working-day deadlines stay at 24:00 of a working day', () => {
    const pauses = fc.array(
      fc.tuple(fc.integer({ min: 0, max: 5 * DAY_MS }), fc.integer({ min: 0, max: 5 * DAY_MS })),
      { maxLength: 4 },
    );
    fc.assert(
      fc.property(start, anyBudget, pauses, (t0, budget, gaps) => {
        const clock = startClock(budget, t0);
        let c = clock;
        let t = t0;
        for (const [run, pause] of gaps) {
          c = pauseClock(c, (t += run), 'p');
          c = resumeClock(c, (t += pause));
        }
        const due = deadlineMs(c, t);
        expect(due).toBeGreaterThanOrEqual(deadlineMs(clock, t0));
        if (budget.unit === 'workday') expect(isEndOfWorkingDay(due)).toBe(true);
      }),
    );
  });

  it('levels and consumption only rise while the clock runs, and change exactly at nextTransitionAt', () => {
    fc.assert(
      fc.property(
        start,
        anyBudget,
        fc.integer({ min: 0, max: 40 * DAY_MS }),
        fc.integer({ min: 0, max: 40 * DAY_MS }),
        (t0, budget, a, b) => {
          const clock = startClock(budget, t0);
          const [early, late] = a <= b ? [t0 + a, t0 + b] : [t0 + b, t0 + a];
          const s1 = status(clock, early);
          const s2 = status(clock, late);
          expect(rank(s2)).toBeGreaterThanOrEqual(rank(s1));
          expect(s2.consumed).toBeGreaterThanOrEqual(s1.consumed);
          if (s1.nextTransitionAt !== null) {
            const next = Date.parse(s1.nextTransitionAt);
            expect(status(clock, next - 1).level).toBe(s1.level);
            expect(rank(status(clock, next))).toBeGreaterThan(rank(s1));
          } else {
            expect(s1.level).toBe('red');
          }
        },
      ),
    );
  });
});
