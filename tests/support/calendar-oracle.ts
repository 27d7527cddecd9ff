// A working-day oracle independent of domain/calendar.ts, fed by the calendar API's listed days:
// what the deadline of a live case must be after a calendar change.

const DAY = 86_400_000;
const SH = 8 * 3_600_000;

/** Whether each listed date is a working day, as the calendar API lists it. */
export type Listed = Map<string, boolean>;

export const localDate = (ms: number) => new Date(ms + SH).toISOString().slice(0, 10);
export const localMidnight = (date: string) => Date.parse(`${date}T00:00:00+08:00`);

/** Whether a date is a working day per the listed days, else by the day of the week. */
export function isWorking(listed: Listed, date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return listed.get(date) ?? (weekday !== 0 && weekday !== 6);
}

/** The first working day strictly after `date`. */
export function nextWorkingDay(listed: Listed, date: string): string {
  let day = localMidnight(date) + DAY;
  while (!isWorking(listed, localDate(day))) day += DAY;
  return localDate(day);
}

/** End (24:00 local) of the n-th working day after the start day. */
export function workdayDeadline(listed: Listed, startMs: number, n: number): number {
  let date = localDate(startMs);
  for (let i = 0; i < n; i++) date = nextWorkingDay(listed, date);
  return localMidnight(date) + DAY;
}

/** The listed days of `years` as `GET /calendar/years/{year}` answers them (`get` is signed in). */
export async function listedDays(
  get: (path: string) => Promise<{ status: number; body: { days: { date: string; working: boolean }[] } }>,
  years: number[],
  region: string,
): Promise<Listed> {
  const listed: Listed = new Map();
  for (const year of years) {
    const res = await get(`/calendar/years/${year}?region=${region}`);
    if (res.status !== 200) throw new Error(`GET /calendar/years/${year}: ${res.status} ${JSON.stringify(res.body)}`);
    for (const d of res.body.days) listed.set(d.date, d.working);
  }
  return listed;
}

/** Call `read` until `done` holds or `timeoutMs` pass; returns the last reading. */
export async function pollUntil<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  let last = await read();
  for (const until = Date.now() + timeoutMs; !done(last) && Date.now() < until;) {
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}
