import chineseDaysJson from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import type { CalendarData, CalendarDays, CalendarEntry } from './calendar';

/**
 * The raw shape of the `chinese-days` package data: date → `'English name,中文名,days'`, e.g.
 * `'2025-01-28': 'Spring Festival,春节,4'`. `holidays` are days off, `workdays` make-up working days.
 */
export interface ChineseDaysData {
  holidays: Readonly<Record<string, string>>;
  workdays: Readonly<Record<string, string>>;
}

/**
 * Calendar data for exactly the years the `chinese-days` data has entries for. The package answers
 * later years as plain Mon–Fri weeks without saying so; emitting only years with entries keeps those
 * years *missing* here, so deadline arithmetic refuses or flags them instead.
 */
export function calendarDataFromChineseDays(source: ChineseDaysData): CalendarData {
  const years: Record<string, CalendarDays> = {};
  const yearOf = (date: string): CalendarDays => (years[date.slice(0, 4)] ??= { holidays: [], workdays: [] });
  for (const entry of entriesOf(source.holidays)) yearOf(entry.date).holidays.push(entry);
  for (const entry of entriesOf(source.workdays)) yearOf(entry.date).workdays.push(entry);
  return { years };
}

/** {@link calendarDataFromChineseDays} of the installed `chinese-days` package (for the DB seed). */
export function chineseDaysCalendarData(): CalendarData {
  return calendarDataFromChineseDays(chineseDaysJson);
}

function entriesOf(days: Readonly<Record<string, string>>): CalendarEntry[] {
  return Object.entries(days)
    .map(([date, label]) => ({ date, name: chineseName(label) }))
    .sort((a, b) => a.date.localeCompare(b.date));
}

// `'Spring Festival,春节,4'` → `'春节'` (falling back to the whole label if it has another shape).
function chineseName(label: string): string {
  const [english, chinese] = label.split(',');
  return chinese?.trim() || english?.trim() || label;
}
