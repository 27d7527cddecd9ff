import type { CalendarData, CalendarEntry } from '../../domain/calendar';

/**
 * The State Council's holiday schedules for 2025 (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号),
 * typed in by hand from the notices — independent of the `chinese-days` package, so tests can check
 * the package data and the calendar arithmetic against them.
 */
export const OFFICIAL_2025_2026: CalendarData = {
  years: {
    2025: {
      holidays: [
        ...days('2025-01-01', '2025-01-01', '元旦'),
        ...days('2025-01-28', '2025-02-04', '春节'),
        ...days('2025-04-04', '2025-04-06', '清明'),
        ...days('2025-05-01', '2025-05-05', '劳动节'),
        ...days('2025-05-31', '2025-06-02', '端午'),
        ...days('2025-10-01', '2025-10-08', '国庆节、中秋节'),
      ],
      workdays: [
        { date: '2025-01-26', name: '春节' },
        { date: '2025-02-08', name: '春节' },
        { date: '2025-04-27', name: '劳动节' },
        { date: '2025-09-28', name: '国庆节' },
        { date: '2025-10-11', name: '国庆节' },
      ],
    },
    2026: {
      holidays: [
        ...days('2026-01-01', '2026-01-03', '元旦'),
        ...days('2026-02-15', '2026-02-23', '春节'),
        ...days('2026-04-04', '2026-04-06', '清明'),
        ...days('2026-05-01', '2026-05-05', '劳动节'),
        ...days('2026-06-19', '2026-06-21', '端午'),
        ...days('2026-09-25', '2026-09-27', '中秋'),
        ...days('2026-10-01', '2026-10-07', '国庆节'),
      ],
      workdays: [
        { date: '2026-01-04', name: '元旦' },
        { date: '2026-02-14', name: '春节' },
        { date: '2026-02-28', name: '春节' },
        { date: '2026-05-09', name: '劳动节' },
        { date: '2026-09-20', name: '国庆节' },
        { date: '2026-10-10', name: '国庆节' },
      ],
    },
  },
};

/** Every date from `first` to `last` inclusive, with a name. */
function days(first: string, last: string, name: string): CalendarEntry[] {
  const out: CalendarEntry[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += 86_400_000) {
    out.push({ date: new Date(t).toISOString().slice(0, 10), name });
  }
  return out;
}

/** An instant given as Asia/Shanghai wall-clock time. */
export function sh(date: string, time = '00:00'): Date {
  return new Date(`${date}T${time}:00+08:00`);
}
