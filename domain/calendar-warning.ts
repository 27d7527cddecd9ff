import { shanghaiDate } from './time';

/** From this month (Asia/Shanghai) on, next year's national holiday schedule is awaited (the State Council announces it around November). */
export const NEXT_YEAR_WARNING_MONTH = 10;

/** A calendar year whose national data is missing although deadlines will soon (or already) run into it. */
export interface MissingCalendarYear {
  year: number;
  /** `current`: this year has no data at all; `next`: it is October or later and next year has none. */
  why: 'current' | 'next';
}

/**
 * The years an administrator must be warned about at `nowMs`: this year when it has no national
 * data, and from October 1 (Asia/Shanghai) next year when it has none. `covered` says whether a
 * year has national data.
 */
export function missingCalendarYears(nowMs: number, covered: (year: number) => boolean): MissingCalendarYear[] {
  const today = shanghaiDate(nowMs);
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  const missing: MissingCalendarYear[] = [];
  if (!covered(year)) missing.push({ year, why: 'current' });
  if (month >= NEXT_YEAR_WARNING_MONTH && !covered(year + 1)) missing.push({ year: year + 1, why: 'next' });
  return missing;
}
