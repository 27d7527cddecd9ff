import { describe, expect, it } from 'vitest';
import { buildCalendar, calendarDataSchema } from '../../domain/calendar';
import { calendarDataFromChineseDays, chineseDaysCalendarData } from '../../domain/calendar-data';
import { OFFICIAL_2025_2026 } from './official-schedules';

describe('calendarDataFromChineseDays', () => {
  it('groups entries by year with their Chinese names, in date order', () => {
    const data = calendarDataFromChineseDays({
      holidays: {
        '2025-01-29': 'Spring Festival,春节,4',
        '2025-01-28': 'Spring Festival,春节,4',
        '2024-10-01': 'National Day,国庆节,3',
      },
      workdays: { '2025-01-26': 'Spring Festival,春节,4' },
    });
    expect(data).toEqual({
      years: {
        2024: { holidays: [{ date: '2024-10-01', name: '国庆节' }], workdays: [] },
        2025: {
          holidays: [
            { date: '2025-01-28', name: '春节' },
            { date: '2025-01-29', name: '春节' },
          ],
          workdays: [{ date: '2025-01-26', name: '春节' }],
        },
      },
    });
  });

  it('keeps a label of another shape as the name', () => {
    const data = calendarDataFromChineseDays({ holidays: { '2025-01-01': 'New Year' }, workdays: {} });
    expect(data.years[2025]?.holidays).toEqual([{ date: '2025-01-01', name: 'New Year' }]);
  });
});

describe('chineseDaysCalendarData (the installed package)', () => {
  const data = chineseDaysCalendarData();

  it('emits only the years the package has entries for: a contiguous range ending in 2026', () => {
    const years = Object.keys(data.years).map(Number);
    expect(years.at(-1)).toBe(2026);
    expect(years).toEqual(Array.from({ length: years.length }, (_, i) => years[0]! + i));
    expect(data.years[2027]).toBeUndefined();
    expect(calendarDataSchema.safeParse(data).success).toBe(true);
  });

  it('agrees with the official 2025 and 2026 schedules on every day', () => {
    const fromPackage = buildCalendar(data, { fallback: 'refuse' });
    const official = buildCalendar(OFFICIAL_2025_2026, { fallback: 'refuse' });
    const disagreements: string[] = [];
    for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2027-01-01T00:00:00Z'); t += 86_400_000) {
      const date = new Date(t).toISOString().slice(0, 10);
      if (fromPackage.isWorkingDay(date).value !== official.isWorkingDay(date).value) disagreements.push(date);
    }
    expect(disagreements).toEqual([]);
  });

  it('has the 2026 Spring Festival and National Day with their make-up days', () => {
    const cal = buildCalendar(data, { fallback: 'refuse' });
    for (const date of ['2026-02-15', '2026-02-19', '2026-02-23', '2026-10-01', '2026-10-07']) {
      expect(cal.describeDay(date)).toMatchObject({ working: false, kind: 'holiday' });
    }
    // Sat Feb 14, Sat Feb 28, Sun Sep 20 and Sat Oct 10 2026 are working days.
    for (const date of ['2026-02-14', '2026-02-28', '2026-09-20', '2026-10-10']) {
      expect(cal.describeDay(date)).toMatchObject({ working: true, kind: 'makeup-workday' });
    }
    expect(cal.describeDay('2026-02-17').name).toBe('春节');
  });

  it('leaves 2027 missing, so a calendar built from it refuses or flags it', () => {
    expect(() => buildCalendar(data, { fallback: 'refuse' }).isWorkingDay('2027-01-01')).toThrow(/2027/);
    expect(buildCalendar(data, { fallback: 'weekdays' }).isWorkingDay('2027-01-01').fallbackYears).toEqual([2027]);
  });
});
