import { describe, expect, it } from 'vitest';
import { parseScheduleFile, toPeriods } from '../../web/src/pages/admin/calendar-import';

// The console reads a year's schedule from the file an admin has, before anything is saved.

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//中国节假日//CN',
  'BEGIN:VEVENT',
  'UID:1',
  'DTSTART;VALUE=DATE:20270101',
  'DTEND;VALUE=DATE:20270104',
  'SUMMARY:元旦 休',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:2',
  'DTSTART;VALUE=DATE:20270131',
  'SUMMARY:春节（班）',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:3',
  'DTSTART;VALUE=DATE:20261231',
  'DTEND;VALUE=DATE:20270101',
  'SUMMARY:去年的事件',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:4',
  'DTSTART;VALUE=DATE:20270205',
  'DTEND;VALUE=DATE:20270207',
  'SUMMARY:春',
  ' 节',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('parseScheduleFile', () => {
  it('reads all-day VEVENTs of an ICS feed: DTEND exclusive, 休 off and 班 working, folded lines, other years left out', () => {
    expect(parseScheduleFile(ICS, 'holidays.ics', 2027)).toEqual({
      holidays: [
        { date: '2027-01-01', name: '元旦' },
        { date: '2027-01-02', name: '元旦' },
        { date: '2027-01-03', name: '元旦' },
        { date: '2027-02-05', name: '春节' },
        { date: '2027-02-06', name: '春节' },
      ],
      workdays: [{ date: '2027-01-31', name: '春节' }],
    });
  });

  it('reads our own JSON (with the notice reference) and holiday-cn JSON', () => {
    const ours = JSON.stringify({
      holidays: [{ date: '2027-10-01', name: '国庆节' }],
      workdays: [{ date: '2027-09-26', name: '国庆节' }],
      reason: '国办发明电〔2026〕7号',
    });
    expect(parseScheduleFile(ours, 'x.json', 2027)).toEqual({
      holidays: [{ date: '2027-10-01', name: '国庆节' }],
      workdays: [{ date: '2027-09-26', name: '国庆节' }],
      reference: '国办发明电〔2026〕7号',
    });
    const holidayCn = JSON.stringify({
      year: 2027,
      days: [
        { name: '劳动节', date: '2027-05-01', isOffDay: true },
        { name: '劳动节', date: '2027-04-25', isOffDay: false },
      ],
    });
    expect(parseScheduleFile(holidayCn, '2027.json', 2027)).toEqual({
      holidays: [{ date: '2027-05-01', name: '劳动节' }],
      workdays: [{ date: '2027-04-25', name: '劳动节' }],
    });
  });

  it('refuses, in plain words, a file that is not a schedule or has nothing in the year', () => {
    expect(() => parseScheduleFile('hello', 'a.txt', 2027)).toThrow('不是有效的 JSON 或 ICS');
    expect(() => parseScheduleFile(ICS, 'holidays.ics', 2030)).toThrow('没有 2030 年的放假或调休日期');
  });

  it('groups consecutive days of one name into periods', () => {
    expect(toPeriods(parseScheduleFile(ICS, 'holidays.ics', 2027).holidays)).toEqual([
      { name: '元旦', start: '2027-01-01', end: '2027-01-03' },
      { name: '春节', start: '2027-02-05', end: '2027-02-06' },
    ]);
  });
});
