/*
 * Reading a year's holiday schedule from a file an admin has (DOMAIN §3, §9): our own JSON (the
 * body of PUT /calendar/years/{year}), the widely used holiday-cn JSON ({ year, days: [{ name,
 * date, isOffDay }] }), or an iCalendar (.ics) feed of all-day events, e.g. a "中国节假日" calendar
 * whose SUMMARY reads "春节 休" / "春节（休）" for days off and "春节 班" / "补班" for make-up
 * working days. Pure functions: the page shows the result for checking before anything is saved.
 */

export interface DayEntry {
  date: string;
  name: string;
}

export interface YearSchedule {
  holidays: DayEntry[];
  workdays: DayEntry[];
  /** The notice's reference when the file carries one (our JSON's `reason`). */
  reference?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isDate(s: unknown): s is string {
  if (typeof s !== 'string' || !DATE.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const byDate = (a: DayEntry, b: DayEntry) => a.date.localeCompare(b.date);

/** Every date from `start` up to, not including, `endExclusive` (YYYY-MM-DD). */
export function datesBetween(start: string, endExclusive: string): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${start}T00:00:00Z`);
    t < Date.parse(`${endExclusive}T00:00:00Z`) && out.length < 366;
    t += 86_400_000
  )
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** A file's content read as a schedule, keeping only the dates in `year`; throws an Error in plain words (zh / en) when it cannot. */
export function parseScheduleFile(content: string, fileName: string, year: number): YearSchedule {
  const text = content.replace(/^\uFEFF/, '');
  const schedule = /\.ics$/i.test(fileName) || /^BEGIN:VCALENDAR/m.test(text) ? parseIcs(text) : parseJson(text);
  const inYear = (e: DayEntry) => e.date.startsWith(`${year}-`);
  const result = {
    ...schedule,
    holidays: schedule.holidays.filter(inYear).sort(byDate),
    workdays: schedule.workdays.filter(inYear).sort(byDate),
  };
  if (result.holidays.length + result.workdays.length === 0)
    throw new Error(`文件中没有 ${year} 年的放假或调休日期 / The file has no holiday or make-up workday in ${year}`);
  return result;
}

function parseJson(text: string): YearSchedule {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('文件不是有效的 JSON 或 ICS / The file is neither valid JSON nor ICS');
  }
  const o = data as { holidays?: unknown; workdays?: unknown; reason?: unknown; days?: unknown };
  const entries = (list: unknown): DayEntry[] =>
    Array.isArray(list)
      ? list
          .filter((e): e is DayEntry => isDate((e as DayEntry)?.date))
          .map((e) => ({ date: e.date, name: String(e.name ?? '').trim() || '节假日' }))
      : [];
  if (Array.isArray(o.holidays) || Array.isArray(o.workdays)) {
    return {
      holidays: entries(o.holidays),
      workdays: entries(o.workdays),
      ...(typeof o.reason === 'string' ? { reference: o.reason } : {}),
    };
  }
  if (Array.isArray(o.days)) {
    const days = o.days.filter(
      (d): d is { date: string; name?: string; isOffDay: boolean } =>
        isDate((d as { date?: unknown })?.date) && typeof (d as { isOffDay?: unknown }).isOffDay === 'boolean',
    );
    const name = (d: { name?: string }) => String(d.name ?? '').trim() || '节假日';
    return {
      holidays: days.filter((d) => d.isOffDay).map((d) => ({ date: d.date, name: name(d) })),
      workdays: days.filter((d) => !d.isOffDay).map((d) => ({ date: d.date, name: name(d) })),
    };
  }
  throw new Error(
    'JSON 须含 holidays/workdays 数组，或 holiday-cn 格式的 days 数组 / The JSON needs holidays/workdays arrays, or a holiday-cn days array',
  );
}

/** Unfold RFC 5545 folded lines (a line starting with a space or tab continues the previous one). */
function unfold(text: string): string[] {
  return text
    .replace(/\r\n/g, '\n')
    .replace(/\n[ \t]/g, '')
    .split('\n');
}

const icsDate = (v: string) => {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(v.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
};

const WORK_MARK = /[（(\s]*(补班|调休上班|上班|班)[)）]?\s*$/;
const OFF_MARK = /[（(\s]*(放假|休息|休)[)）]?\s*$/;

function parseIcs(text: string): YearSchedule {
  const holidays: DayEntry[] = [];
  const workdays: DayEntry[] = [];
  let event: Record<string, string> | null = null;
  for (const line of unfold(text)) {
    if (/^BEGIN:VEVENT/i.test(line)) event = {};
    else if (/^END:VEVENT/i.test(line) && event) {
      const start = icsDate(event.DTSTART ?? '');
      const summary = (event.SUMMARY ?? '').replace(/\\,/g, ',').replace(/\\n/gi, ' ').trim();
      if (start && summary) {
        const endRaw = icsDate(event.DTEND ?? '');
        // An all-day event's DTEND is the day after its last day; without one it lasts one day.
        const end = endRaw && endRaw > start ? endRaw : nextDay(start);
        const working = WORK_MARK.test(summary);
        const name = summary.replace(working ? WORK_MARK : OFF_MARK, '').trim() || (working ? '调休上班' : '节假日');
        for (const date of datesBetween(start, end)) (working ? workdays : holidays).push({ date, name });
      }
      event = null;
    } else if (event) {
      const m = /^([A-Z-]+)(;[^:]*)?:(.*)$/i.exec(line);
      if (m) event[m[1]!.toUpperCase()] = m[3]!;
    }
  }
  if (holidays.length + workdays.length === 0)
    throw new Error(
      'ICS 文件中没有可识别的全天事件（VEVENT 的 DTSTART/SUMMARY）/ No all-day events (VEVENT DTSTART/SUMMARY) found in the ICS file',
    );
  return { holidays, workdays };
}

/** Consecutive days of one name and kind as ranges, the way the State Council notice states them. */
export function toPeriods(entries: readonly DayEntry[]): { name: string; start: string; end: string }[] {
  const out: { name: string; start: string; end: string }[] = [];
  for (const e of [...entries].sort(byDate)) {
    const last = out[out.length - 1];
    if (last && last.name === e.name && nextDay(last.end) === e.date) last.end = e.date;
    else out.push({ name: e.name, start: e.date, end: e.date });
  }
  return out;
}
