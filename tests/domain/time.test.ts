import { describe, expect, it } from 'vitest';
import {
  dayIndexOf,
  formatShanghai,
  readableShanghai,
  isLocalDate,
  localDateOf,
  parseLocalTime,
  shanghaiDate,
  shanghaiInstant,
  toEpochMs,
  toIso,
  weekdayOf,
} from '../../domain/time';

describe('time helpers', () => {
  it('reads instants as Date, epoch ms or zoned ISO strings only', () => {
    const ms = Date.UTC(2025, 0, 27, 16);
    expect(toEpochMs(new Date(ms))).toBe(ms);
    expect(toEpochMs(ms)).toBe(ms);
    expect(toEpochMs('2025-01-28T00:00:00+08:00')).toBe(ms);
    expect(toEpochMs('2025-01-27T16:00Z')).toBe(ms);
    expect(() => toEpochMs('2025-01-28T00:00:00')).toThrow(RangeError);
    expect(() => toEpochMs('2025-01-28')).toThrow(RangeError);
    expect(() => toEpochMs(Number.NaN)).toThrow(RangeError);
    expect(toIso('2025-01-28T00:00:00+08:00')).toBe('2025-01-27T16:00:00.000Z');
  });

  it('derives Asia/Shanghai dates with the fixed +08:00 offset', () => {
    expect(shanghaiDate('2025-01-27T15:59:59.999Z')).toBe('2025-01-27');
    expect(shanghaiDate('2025-01-27T16:00:00Z')).toBe('2025-01-28');
    expect(shanghaiInstant('2025-01-28', '09:30').toISOString()).toBe('2025-01-28T01:30:00.000Z');
    expect(formatShanghai('2025-02-05T16:00:00Z')).toBe('2025-02-06T00:00:00+08:00');
    expect(formatShanghai(Date.UTC(2025, 1, 5, 1, 36, 0, 250))).toBe('2025-02-05T09:36:00.250+08:00');
  });

  it('writes instants as people read them in Beijing time, with the year only when it differs', () => {
    expect(readableShanghai('2026-12-04T21:20:45.482Z', '2026-12-01T00:00:00Z')).toBe('12月5日 05:20');
    expect(readableShanghai('2027-01-04T01:00:00Z', '2026-12-30T00:00:00Z')).toBe('2027年1月4日 09:00');
  });

  it('works with local day indexes', () => {
    expect(localDateOf(dayIndexOf('2026-02-14'))).toBe('2026-02-14');
    expect(weekdayOf(dayIndexOf('2026-02-14'))).toBe(6);
    expect(weekdayOf(dayIndexOf('2026-09-20'))).toBe(0);
    expect(weekdayOf(dayIndexOf('1969-12-31'))).toBe(3);
  });

  it('validates dates and times', () => {
    expect(isLocalDate('2024-02-29')).toBe(true);
    expect(isLocalDate('2025-02-29')).toBe(false);
    expect(isLocalDate('2025-1-01')).toBe(false);
    expect(parseLocalTime('13:30')).toBe(48_600_000);
    expect(parseLocalTime('24:00')).toBe(86_400_000);
    expect(() => parseLocalTime('24:30')).toThrow(RangeError);
    expect(() => parseLocalTime('12:60')).toThrow(RangeError);
    expect(() => dayIndexOf('2025-13-01')).toThrow(RangeError);
  });
});
