import { describe, expect, it } from 'vitest';
import {
  CalendarYearMissingError,
  DEFAULT_OFFICE_HOURS,
  buildCalendar,
  calendarDataSchema,
  durationSchema,
  officeHoursSchema,
  type CalendarData,
} from '../../domain/calendar';
import { OFFICIAL_2025_2026, sh } from './official-schedules';

const calendar = buildCalendar(OFFICIAL_2025_2026, { fallback: 'refuse' });

/** 24:00 Asia/Shanghai of a date, in UTC: 16:00Z of the same date. */
const endOf = (date: string): string => `${date}T16:00:00.000Z`;

describe('working-day deadlines against the official 2025 and 2026 schedules', () => {
  // Expected days worked out by hand from the State Council notices; the start day never counts.
  it.each([
    // 春节 2025: Jan 28–Feb 4 off, Sun Jan 26 and Sat Feb 8 are working days.
    ['2025-01-24', '10:00', 2, '2025-01-27', 'Fri + 2: Sat off, Sun Jan 26 is a make-up day, Mon'],
    ['2025-01-24', '10:00', 3, '2025-02-05', 'Fri + 3: the third day is after the whole Spring Festival'],
    ['2025-01-24', '23:59', 2, '2025-01-27', 'accepted a minute before midnight: the day still does not count'],
    ['2025-01-25', '00:00', 1, '2025-01-26', 'accepted at 00:00 of Sat Jan 25: Sun Jan 26 is the first day'],
    ['2025-01-27', '09:00', 1, '2025-02-05', 'last working day before the holiday + 1'],
    ['2025-01-30', '15:00', 1, '2025-02-05', 'accepted during the holiday'],
    ['2025-02-05', '09:00', 3, '2025-02-08', 'ends on the make-up Saturday Feb 8'],
    ['2025-01-20', '10:00', 20, '2025-02-21', '20 working days across the Spring Festival'],
    // 元旦, 清明, 劳动节, 端午 2025.
    ['2025-01-01', '10:00', 1, '2025-01-02', 'accepted on New Year’s Day'],
    ['2025-04-03', '10:00', 1, '2025-04-07', '清明 Apr 4–6 off'],
    ['2025-04-25', '10:00', 1, '2025-04-27', 'Sun Apr 27 is a make-up day'],
    ['2025-04-25', '10:00', 5, '2025-05-06', 'Apr 27–30 then May 1–5 off'],
    ['2025-05-30', '10:00', 1, '2025-06-03', '端午 May 31–Jun 2 off'],
    // 国庆 + 中秋 2025: Oct 1–8 off, Sun Sep 28 and Sat Oct 11 are working days.
    ['2025-09-26', '10:00', 5, '2025-10-10', 'Sep 28, 29, 30, Oct 9, 10'],
    ['2025-09-26', '10:00', 6, '2025-10-11', 'the sixth day is the make-up Saturday'],
    ['2025-09-26', '10:00', 7, '2025-10-13', 'Sun Oct 12 is off'],
    // 2026, across the year boundary and around 春节 (Feb 15–23 off, Sat Feb 14 and Sat Feb 28 working).
    ['2025-12-31', '10:00', 1, '2026-01-04', '元旦 2026 Jan 1–3 off, Sun Jan 4 is a make-up day'],
    ['2026-02-12', '10:00', 2, '2026-02-14', 'Fri Feb 13, make-up Sat Feb 14'],
    ['2026-02-12', '10:00', 3, '2026-02-24', 'then the nine-day Spring Festival'],
    ['2026-02-27', '10:00', 1, '2026-02-28', 'make-up Sat Feb 28'],
    ['2026-04-30', '10:00', 4, '2026-05-09', '劳动节 May 1–5 off, make-up Sat May 9'],
    ['2026-06-18', '10:00', 1, '2026-06-22', '端午 Jun 19–21 off'],
    // 中秋 Sep 25–27 and 国庆 Oct 1–7 2026: Sun Sep 20 and Sat Oct 10 are working days.
    ['2026-09-18', '10:00', 1, '2026-09-20', 'Sat Sep 19 off, make-up Sun Sep 20'],
    ['2026-09-24', '10:00', 1, '2026-09-28', '中秋 Sep 25–27 off'],
    ['2026-09-30', '10:00', 1, '2026-10-08', 'National Day Oct 1–7 off'],
    ['2026-09-30', '10:00', 3, '2026-10-10', 'Oct 8, 9 and the make-up Saturday Oct 10'],
  ])('accepted %s %s + %i working days → end of %s (%s)', (date, time, days, due) => {
    const result = calendar.deadline('workday', sh(date, time), days);
    expect(result.value.toISOString()).toBe(endOf(due));
    expect(result.fallbackYears).toEqual([]);
  });

  it('stores deadlines in UTC: 24:00 Asia/Shanghai is 16:00Z the same date', () => {
    expect(calendar.deadline('workday', sh('2025-01-24', '10:00'), 3).value.toISOString()).toBe(
      '2025-02-05T16:00:00.000Z',
    );
  });

  it('never depends on the host time zone (even one with DST)', () => {
    const before = calendar.deadline('workday', sh('2025-03-07', '10:00'), 5).value.toISOString();
    const original = process.env.TZ;
    try {
      process.env.TZ = 'America/New_York';
      // The zone switch took effect: New York is UTC-4 in summer, UTC-5 in winter.
      expect(new Date(Date.UTC(2025, 6, 1)).getTimezoneOffset()).toBe(240);
      expect(calendar.deadline('workday', sh('2025-03-07', '10:00'), 5).value.toISOString()).toBe(before);
      expect(calendar.describeDay('2025-03-09').kind).toBe('weekend');
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe('days', () => {
  it.each([
    ['2025-01-26', true, 'makeup-workday', '春节'],
    ['2025-01-28', false, 'holiday', '春节'],
    ['2025-02-08', true, 'makeup-workday', '春节'],
    ['2025-10-06', false, 'holiday', '国庆节、中秋节'],
    ['2026-09-20', true, 'makeup-workday', '国庆节'],
    ['2025-03-01', false, 'weekend', undefined],
    ['2025-03-03', true, 'workday', undefined],
  ])('%s: working %s, %s', (date, working, kind, name) => {
    const day = calendar.describeDay(date);
    expect(day).toMatchObject({ date, working, kind, fallback: false });
    expect(day.name).toBe(name);
    expect(calendar.isWorkingDay(date)).toEqual({ value: working, fallbackYears: [] });
  });

  it('finds the next working day, counting make-up Saturdays', () => {
    expect(calendar.nextWorkingDay('2025-01-24').value).toBe('2025-01-26');
    expect(calendar.nextWorkingDay('2025-01-27').value).toBe('2025-02-05');
    expect(calendar.nextWorkingDay('2025-02-07').value).toBe('2025-02-08');
    expect(calendar.nextWorkingDay('2025-02-08').value).toBe('2025-02-10');
  });

  it('rounds an instant up to the end of its working day', () => {
    expect(calendar.endOfWorkingDay(sh('2025-02-08', '10:00')).value.toISOString()).toBe(endOf('2025-02-08'));
    expect(calendar.endOfWorkingDay(sh('2025-01-29', '10:00')).value.toISOString()).toBe(endOf('2025-02-05'));
    // 24:00 of a working day is that day's end, not the next day's.
    expect(calendar.endOfWorkingDay(sh('2025-01-28')).value.toISOString()).toBe(endOf('2025-01-27'));
  });
});

describe('measuring and advancing', () => {
  it('counts a working date as its whole 24 local hours', () => {
    expect(calendar.measure('workday', sh('2025-01-24', '12:00'), sh('2025-01-27', '12:00')).value).toBe(2);
    expect(calendar.measure('workday', sh('2025-01-27'), sh('2025-02-06')).value).toBe(2);
    expect(calendar.measure('workday', sh('2025-01-27', '12:00'), sh('2025-01-24', '12:00')).value).toBe(-2);
  });

  it('counts office hours across lunch', () => {
    expect(calendar.measure('workhour', sh('2025-01-27', '08:00'), sh('2025-01-27', '18:00')).value).toBe(7);
    expect(calendar.measure('workhour', sh('2025-01-27', '11:00'), sh('2025-01-27', '14:00')).value).toBe(1.5);
    expect(calendar.advance('workhour', sh('2025-01-27', '11:00'), 2).value).toEqual(sh('2025-01-27', '14:30'));
    // The earliest instant: a budget used up exactly at noon ends at noon, not at 13:30.
    expect(calendar.advance('workhour', sh('2025-01-27', '11:00'), 1).value).toEqual(sh('2025-01-27', '12:00'));
  });

  it('counts office hours across a holiday and on a make-up Sunday', () => {
    expect(calendar.advance('workhour', sh('2025-01-27', '16:30'), 2).value).toEqual(sh('2025-02-05', '10:00'));
    expect(calendar.measure('workhour', sh('2025-01-27', '16:30'), sh('2025-02-05', '10:00')).value).toBe(2);
    expect(calendar.advance('workhour', sh('2025-01-24', '17:00'), 1).value).toEqual(sh('2025-01-26', '09:30'));
    expect(calendar.deadline('workhour', sh('2025-01-24', '17:00'), 1).value).toEqual(sh('2025-01-26', '09:30'));
  });

  it('uses configured office hours', () => {
    const summer = buildCalendar(OFFICIAL_2025_2026, {
      fallback: 'refuse',
      officeHours: [
        { start: '08:30', end: '12:00' },
        { start: '14:00', end: '18:00' },
      ],
    });
    expect(summer.advance('workhour', sh('2025-01-27', '11:00'), 2).value).toEqual(sh('2025-01-27', '15:00'));
    expect(summer.measure('workhour', sh('2025-01-27'), sh('2025-01-28')).value).toBe(7.5);
  });

  it('counts natural units plainly, holidays or not', () => {
    expect(calendar.advance('hour', sh('2025-01-28', '23:00'), 2).value).toEqual(sh('2025-01-29', '01:00'));
    expect(calendar.deadline('minute', sh('2025-01-28', '23:50'), 30).value.toISOString()).toBe(
      '2025-01-28T16:20:00.000Z',
    );
    expect(calendar.deadline('day', sh('2025-01-28', '10:00'), 1).value).toEqual(sh('2025-01-29', '10:00'));
    expect(calendar.measure('minute', sh('2025-01-28', '10:00'), sh('2025-01-28', '11:30')).value).toBe(90);
  });

  it('rejects negative or non-finite amounts', () => {
    expect(() => calendar.advance('workday', sh('2025-01-28'), -1)).toThrow(RangeError);
    expect(() => calendar.deadline('hour', sh('2025-01-28'), Number.NaN)).toThrow(RangeError);
  });

  it('rejects ISO strings without a zone (they would be read in host-local time)', () => {
    expect(() => calendar.measure('hour', '2025-01-28T10:00:00', '2025-01-28T12:00:00+08:00')).toThrow(RangeError);
    expect(calendar.measure('hour', '2025-01-28T02:00:00Z', '2025-01-28T12:00:00+08:00').value).toBe(2);
  });
});

describe('regional overlays', () => {
  const withTibet: CalendarData = {
    ...OFFICIAL_2025_2026,
    overlays: {
      '540000': { holidays: [{ date: '2025-02-28', name: '藏历新年' }], workdays: [] },
      '999999': { holidays: [], workdays: [{ date: '2025-03-01', name: '补班' }] },
    },
  };

  it('adds a regional holiday on top of the national schedule', () => {
    const national = buildCalendar(withTibet, { fallback: 'refuse' });
    const tibet = buildCalendar(withTibet, { fallback: 'refuse', region: '540000' });
    expect(national.deadline('workday', sh('2025-02-27', '10:00'), 1).value.toISOString()).toBe(endOf('2025-02-28'));
    // Fri Feb 28 off in the region, then the weekend.
    expect(tibet.deadline('workday', sh('2025-02-27', '10:00'), 1).value.toISOString()).toBe(endOf('2025-03-03'));
    expect(tibet.describeDay('2025-02-28')).toMatchObject({
      working: false,
      kind: 'holiday',
      name: '藏历新年',
      source: '540000',
    });
    expect(tibet.describeDay('2025-01-28')).toMatchObject({ working: false, source: 'national' });
  });

  it('can add a regional working day', () => {
    const region = buildCalendar(withTibet, { fallback: 'refuse', region: '999999' });
    expect(region.describeDay('2025-03-01')).toMatchObject({ working: true, kind: 'makeup-workday' });
  });

  it('treats a region without an overlay as national', () => {
    const other = buildCalendar(withTibet, { fallback: 'refuse', region: '410225' });
    expect(other.isWorkingDay('2025-02-28').value).toBe(true);
  });
});

describe('years without calendar data', () => {
  it('refuses with a bilingual error when the fallback is refuse', () => {
    let error: unknown;
    try {
      calendar.deadline('workday', sh('2026-12-30', '10:00'), 3);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CalendarYearMissingError);
    expect((error as CalendarYearMissingError).year).toBe(2027);
    expect((error as Error).message).toBe(
      '2027 年的节假日数据尚未录入，无法计算工作日期限 / No holiday calendar for 2027',
    );
    expect(() => calendar.describeDay('2024-06-03')).toThrow(CalendarYearMissingError);
  });

  it('counts Mon–Fri with the year flagged when the fallback is weekdays', () => {
    const lenient = buildCalendar(OFFICIAL_2025_2026, { fallback: 'weekdays' });
    // Thu Dec 31, then Fri Jan 1 2027 (no data: counted as a working day) and Mon Jan 4.
    expect(lenient.deadline('workday', sh('2026-12-30', '10:00'), 3)).toEqual({
      value: new Date(endOf('2027-01-04')),
      fallbackYears: [2027],
    });
    expect(lenient.describeDay('2027-01-01')).toMatchObject({ working: true, fallback: true });
    expect(lenient.isWorkingDay('2027-01-01')).toEqual({ value: true, fallbackYears: [2027] });
    expect(lenient.measure('workhour', sh('2024-12-31', '09:00'), sh('2025-01-02', '10:00')).fallbackYears).toEqual([
      2024,
    ]);
  });

  it('does not touch the next year when a deadline ends at 24:00 on 31 December', () => {
    const result = calendar.deadline('workday', sh('2026-12-29', '10:00'), 2);
    expect(result).toEqual({ value: new Date(endOf('2026-12-31')), fallbackYears: [] });
  });

  it('does not involve the calendar for natural units', () => {
    expect(calendar.deadline('hour', sh('2027-05-01', '10:00'), 2).fallbackYears).toEqual([]);
  });

  it('lists the covered years', () => {
    expect(calendar.coveredYears).toEqual([2025, 2026]);
  });
});

describe('schemas', () => {
  it('validates calendar data', () => {
    expect(calendarDataSchema.safeParse(OFFICIAL_2025_2026).success).toBe(true);
    const wrongYear = { years: { 2025: { holidays: [{ date: '2026-01-01', name: '元旦' }], workdays: [] } } };
    expect(calendarDataSchema.safeParse(wrongYear).success).toBe(false);
    const twice = {
      years: {
        2025: { holidays: [{ date: '2025-01-01', name: '元旦' }], workdays: [{ date: '2025-01-01', name: 'x' }] },
      },
    };
    expect(calendarDataSchema.safeParse(twice).success).toBe(false);
    const notADate = { years: { 2025: { holidays: [{ date: '2025-02-30', name: 'x' }], workdays: [] } } };
    expect(calendarDataSchema.safeParse(notADate).success).toBe(false);
    expect(() => buildCalendar(notADate, { fallback: 'refuse' })).toThrow();
  });

  it('validates durations and office hours', () => {
    expect(durationSchema.safeParse({ unit: 'workday', amount: 20 }).success).toBe(true);
    expect(durationSchema.safeParse({ unit: 'workday', amount: -1 }).success).toBe(false);
    expect(durationSchema.safeParse({ unit: 'week', amount: 1 }).success).toBe(false);
    expect(
      officeHoursSchema.safeParse([
        { start: '13:30', end: '17:30' },
        { start: '09:00', end: '12:00' },
      ]).success,
    ).toBe(false);
    expect(officeHoursSchema.safeParse([{ start: '09:00', end: '08:00' }]).success).toBe(false);
    expect(officeHoursSchema.safeParse([{ start: '9:00', end: '12:00' }]).success).toBe(false);
    expect(officeHoursSchema.safeParse([]).success).toBe(false);
  });

  it('builds the same calendar from data its caller says was validated (a workflow), with valid default office hours', () => {
    expect(officeHoursSchema.safeParse(DEFAULT_OFFICE_HOURS).success).toBe(true);
    const rebuilt = buildCalendar(OFFICIAL_2025_2026, { fallback: 'refuse', validated: true });
    for (const [unit, from, amount] of [
      ['workday', '2025-01-26', 5],
      ['workhour', '2025-09-30', 12],
      ['workday', '2026-02-13', 3],
    ] as const)
      expect(rebuilt.deadline(unit, sh(from), amount)).toEqual(calendar.deadline(unit, sh(from), amount));
    expect(rebuilt.coveredYears).toEqual(calendar.coveredYears);
    expect(rebuilt.officeHours).toEqual(calendar.officeHours);
  });
});
