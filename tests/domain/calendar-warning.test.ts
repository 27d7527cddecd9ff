import { describe, expect, it } from 'vitest';
import { missingCalendarYears } from '../../domain/calendar-warning';

const at = (local: string) => Date.parse(`${local}+08:00`);
const coveredUpTo = (last: number) => (year: number) => year <= last;

describe('missingCalendarYears: when admins are warned that a year has no national holiday data', () => {
  it('from October 1 (Asia/Shanghai) on, next year is missing until it is entered', () => {
    expect(missingCalendarYears(at('2026-09-30T23:59'), coveredUpTo(2026))).toEqual([]);
    // 2026-09-30 16:00 UTC is already October 1 in Shanghai.
    expect(missingCalendarYears(Date.parse('2026-09-30T16:00Z'), coveredUpTo(2026))).toEqual([
      { year: 2027, why: 'next' },
    ]);
    expect(missingCalendarYears(at('2026-12-15T10:00'), coveredUpTo(2026))).toEqual([{ year: 2027, why: 'next' }]);
    expect(missingCalendarYears(at('2026-12-15T10:00'), coveredUpTo(2027))).toEqual([]);
  });

  it('a year that began without data is missing all year long', () => {
    expect(missingCalendarYears(at('2027-01-04T09:00'), coveredUpTo(2026))).toEqual([{ year: 2027, why: 'current' }]);
    expect(missingCalendarYears(at('2027-11-01T09:00'), coveredUpTo(2026))).toEqual([
      { year: 2027, why: 'current' },
      { year: 2028, why: 'next' },
    ]);
  });
});
