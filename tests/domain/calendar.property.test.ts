import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCalendar, DURATION_UNITS, type DurationUnit } from '../../domain/calendar';
import { DAY_MS, SHANGHAI_OFFSET_MS } from '../../domain/time';
import { OFFICIAL_2025_2026 } from './official-schedules';

// Weekdays fallback so generated ranges may run past 2026 without refusing.
const calendar = buildCalendar(OFFICIAL_2025_2026, { fallback: 'weekdays' });

const instant = fc.integer({
  min: Date.parse('2025-01-01T00:00:00+08:00'),
  max: Date.parse('2026-12-31T00:00:00+08:00'),
});
const unit = fc.constantFrom<DurationUnit>(...DURATION_UNITS);

/** Minutes in one unit, so amounts are whole minutes and resolve to whole milliseconds exactly. */
const MINUTES: Record<DurationUnit, number> = { workday: 1440, workhour: 60, minute: 1, hour: 60, day: 1440 };
const MAX_MINUTES: Record<DurationUnit, number> = {
  workday: 40 * 1440,
  workhour: 300 * 60,
  minute: 60 * 1440,
  hour: 60 * 1440,
  day: 60 * 1440,
};

/** A unit with an amount of it (whole minutes of counted time). */
const unitAndAmount = unit.chain((u) =>
  fc.integer({ min: 0, max: MAX_MINUTES[u] }).map((minutes) => ({ unit: u, amount: minutes / MINUTES[u] })),
);
const unitAndTwoAmounts = unit.chain((u) =>
  fc
    .tuple(fc.integer({ min: 0, max: MAX_MINUTES[u] / 2 }), fc.integer({ min: 0, max: MAX_MINUTES[u] / 2 }))
    .map(([a, b]) => ({
      unit: u,
      a: a / MINUTES[u],
      b: b / MINUTES[u],
    })),
);

const advance = (u: DurationUnit, from: number, amount: number): number =>
  calendar.advance(u, from, amount).value.getTime();
const measure = (u: DurationUnit, from: number, to: number): number => calendar.measure(u, from, to).value;
const isLocalMidnight = (ms: number): boolean => (ms + SHANGHAI_OFFSET_MS) % DAY_MS === 0;
const localDateBefore = (ms: number): string => new Date(ms - 1 + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

describe('calendar properties', () => {
  it('advance(a) then advance(b) equals advance(a + b)', () => {
    fc.assert(
      fc.property(instant, unitAndTwoAmounts, (from, { unit: u, a, b }) => {
        expect(advance(u, advance(u, from, a), b)).toBe(advance(u, from, a + b));
      }),
    );
  });

  it('measure(from, advance(from, x)) equals x', () => {
    fc.assert(
      fc.property(instant, unitAndAmount, (from, { unit: u, amount }) => {
        expect(measure(u, from, advance(u, from, amount))).toBeCloseTo(amount, 9);
      }),
    );
  });

  it('advance returns the earliest instant: one millisecond earlier the amount is not reached', () => {
    fc.assert(
      fc.property(instant, unitAndAmount, (from, { unit: u, amount }) => {
        fc.pre(amount > 0);
        expect(measure(u, from, advance(u, from, amount) - 1)).toBeLessThan(amount);
      }),
    );
  });

  it('measure is additive over split intervals', () => {
    fc.assert(
      fc.property(unit, fc.tuple(instant, instant, instant), (u, points) => {
        const [a, b, c] = [...points].sort((x, y) => x - y) as [number, number, number];
        expect(measure(u, a, c)).toBeCloseTo(measure(u, a, b) + measure(u, b, c), 9);
        expect(measure(u, c, a)).toBeCloseTo(-measure(u, a, c), 9);
      }),
    );
  });

  it('is monotonic in the start, the amount and the end', () => {
    fc.assert(
      fc.property(instant, instant, unitAndTwoAmounts, (p, q, { unit: u, a, b }) => {
        const [early, late] = p <= q ? [p, q] : [q, p];
        const [small, large] = a <= b ? [a, b] : [b, a];
        expect(advance(u, early, small)).toBeLessThanOrEqual(advance(u, late, small));
        expect(advance(u, early, small)).toBeLessThanOrEqual(advance(u, early, large));
        expect(calendar.deadline(u, early, small).value.getTime()).toBeLessThanOrEqual(
          calendar.deadline(u, late, small).value.getTime(),
        );
        expect(measure(u, early, late)).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('puts a working-day deadline at 24:00 of a working day, after the start day', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), (start, days) => {
        const due = calendar.deadline('workday', start, days).value.getTime();
        expect(isLocalMidnight(due)).toBe(true);
        expect(calendar.isWorkingDay(localDateBefore(due)).value).toBe(true);
        expect(localDateBefore(due) > localDateBefore(start + 1)).toBe(true);
        // Exactly `days` working days lie between the end of the start day and the deadline.
        const countFrom = Math.floor((start + SHANGHAI_OFFSET_MS) / DAY_MS + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
        expect(measure('workday', countFrom, due)).toBe(days);
      }),
    );
  });

  it('rounds a fractional working-day deadline up to the end of a working day', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 * 24 }), (start, hours) => {
        const due = calendar.deadline('workday', start, hours / 24).value.getTime();
        expect(isLocalMidnight(due)).toBe(true);
        expect(calendar.isWorkingDay(localDateBefore(due)).value).toBe(true);
      }),
    );
  });
});
