/**
 * Shared time helpers for the pure domain code: instants are UTC epoch milliseconds (or `Date`s), and
 * Asia/Shanghai local dates are derived with a fixed offset, never from the host's time zone.
 */

/** One minute in milliseconds. */
export const MINUTE_MS = 60_000;
/** One hour in milliseconds. */
export const HOUR_MS = 60 * MINUTE_MS;
/** One (24-hour) day in milliseconds. */
export const DAY_MS = 24 * HOUR_MS;

/**
 * Asia/Shanghai is UTC+08:00 all year: China has observed no daylight saving time since 1991, so a
 * fixed offset gives the same local dates as a tz database would, while keeping this code independent
 * of the host's `TZ` (workflow sandboxes and CI machines may run in any zone).
 */
export const SHANGHAI_OFFSET_MS = 8 * HOUR_MS;

/** An instant: a `Date`, epoch milliseconds, or an ISO-8601 string with an explicit `Z` or offset. */
export type Instant = Date | number | string;

/** A calendar date in Asia/Shanghai, `YYYY-MM-DD`. */
export type LocalDate = string;

// A string without a zone would be parsed as host-local time by Date.parse: refuse it.
const ZONED_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^(\d{2}):(\d{2})$/;

/** Epoch milliseconds of an instant; throws a `RangeError` for invalid dates and zone-less strings. */
export function toEpochMs(instant: Instant): number {
  let ms: number;
  if (typeof instant === 'number') ms = instant;
  else if (instant instanceof Date) ms = instant.getTime();
  else {
    if (!ZONED_ISO.test(instant)) {
      throw new RangeError(`Instant must be ISO-8601 with Z or an offset, got "${instant}"`);
    }
    ms = Date.parse(instant);
  }
  if (!Number.isFinite(ms)) throw new RangeError(`Invalid instant: ${String(instant)}`);
  return ms;
}

/** The UTC ISO-8601 string (`…Z`) of an instant. */
export function toIso(instant: Instant): string {
  return new Date(toEpochMs(instant)).toISOString();
}

/**
 * Index of the Asia/Shanghai local day containing an instant: days since 1970-01-01 (local).
 * Day indexes are the cheap, zone-free currency of calendar arithmetic.
 */
export function localDayIndex(instant: Instant): number {
  return Math.floor((toEpochMs(instant) + SHANGHAI_OFFSET_MS) / DAY_MS);
}

/** Epoch milliseconds of 00:00 Asia/Shanghai on a local day index. */
export function dayStartMs(dayIndex: number): number {
  return dayIndex * DAY_MS - SHANGHAI_OFFSET_MS;
}

/** Whether a string is a real calendar date written `YYYY-MM-DD`. */
export function isLocalDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

/** Local day index of a `YYYY-MM-DD` date; throws a `RangeError` for anything else. */
export function dayIndexOf(date: LocalDate): number {
  if (!isLocalDate(date)) throw new RangeError(`Expected a date as YYYY-MM-DD, got "${date}"`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

/** The `YYYY-MM-DD` date of a local day index. */
export function localDateOf(dayIndex: number): LocalDate {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

/** Day of the week of a local day index, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(dayIndex: number): number {
  // 1970-01-01 was a Thursday.
  return (((dayIndex + 4) % 7) + 7) % 7;
}

/** Gregorian year of a local day index. */
export function yearOf(dayIndex: number): number {
  return new Date(dayIndex * DAY_MS).getUTCFullYear();
}

/** The Asia/Shanghai date of an instant. */
export function shanghaiDate(instant: Instant): LocalDate {
  return localDateOf(localDayIndex(instant));
}

/** The instant of a wall-clock time (`HH:MM`, default midnight) on an Asia/Shanghai date. */
export function shanghaiInstant(date: LocalDate, time = '00:00'): Date {
  return new Date(dayStartMs(dayIndexOf(date)) + parseLocalTime(time));
}

/** An instant written in Asia/Shanghai local time, e.g. `2025-02-06T00:00:00+08:00`, for display and logs. */
export function formatShanghai(instant: Instant): string {
  const local = new Date(toEpochMs(instant) + SHANGHAI_OFFSET_MS).toISOString();
  const ms = local.slice(20, 23);
  return `${local.slice(0, 19)}${ms === '000' ? '' : `.${ms}`}+08:00`;
}

/**
 * An instant as people read it in Asia/Shanghai: `12月5日 09:30`, with the year in front
 * (`2027年1月4日 09:00`) when it differs from the year of `now`. For text sent to people (notices).
 */
export function readableShanghai(instant: Instant, now: Instant): string {
  const local = new Date(toEpochMs(instant) + SHANGHAI_OFFSET_MS);
  const year = new Date(toEpochMs(now) + SHANGHAI_OFFSET_MS).getUTCFullYear();
  const hm = local.toISOString().slice(11, 16);
  const day = `${local.getUTCMonth() + 1}月${local.getUTCDate()}日 ${hm}`;
  return local.getUTCFullYear() === year ? day : `${local.getUTCFullYear()}年${day}`;
}

/** Milliseconds after local midnight of a wall-clock time `HH:MM` (`24:00` allowed); throws a `RangeError` otherwise. */
export function parseLocalTime(time: string): number {
  const m = LOCAL_TIME.exec(time);
  const hours = Number(m?.[1]);
  const minutes = Number(m?.[2]);
  if (!m || minutes > 59 || hours > 24 || (hours === 24 && minutes > 0)) {
    throw new RangeError(`Expected a time as HH:MM, got "${time}"`);
  }
  return hours * HOUR_MS + minutes * MINUTE_MS;
}
