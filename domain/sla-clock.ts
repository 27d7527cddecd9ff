import { z } from 'zod';
import { bilingual } from './bilingual';
import type { CalendarResult, Duration, WorkingCalendar } from './calendar';
import type { SlaClock, SlaLedgerEntry } from './sla-clock-schema';
import { dayStartMs, localDayIndex, toEpochMs, toIso, type Instant } from './time';

/** Warning levels in increasing severity; `red` means overdue (at the default red threshold 1.0). */
export const SLA_LEVELS = ['green', 'blue', 'yellow', 'red'] as const;
/** One of {@link SLA_LEVELS}. */
export type SlaLevel = (typeof SLA_LEVELS)[number];
type WarningLevel = Exclude<SlaLevel, 'green'>;
const WARNING_LEVELS: readonly WarningLevel[] = ['blue', 'yellow', 'red'];

/**
 * Fractions of the budget (including extensions) whose use reaches each level:
 * 0 < blue < yellow < red. Red at 1.0 is the deadline itself.
 */
export const slaThresholdsSchema = z
  .object({ blue: z.number().positive(), yellow: z.number().positive(), red: z.number().positive() })
  .refine((t) => t.blue < t.yellow && t.yellow < t.red, {
    message: bilingual('预警阈值须满足 蓝 < 黄 < 红', 'thresholds must satisfy blue < yellow < red'),
  });
/** See {@link slaThresholdsSchema}. */
export type SlaThresholds = z.infer<typeof slaThresholdsSchema>;

/** Blue at half the budget, yellow at 80 %, red when the budget is used up. */
export const DEFAULT_SLA_THRESHOLDS: SlaThresholds = { blue: 0.5, yellow: 0.8, red: 1 };

export type { SlaClock, SlaLedgerEntry };

/** Codes of {@link SlaClockError}. */
export const SlaClockErrorCode = {
  alreadyPaused: 'already-paused',
  notPaused: 'not-paused',
  stopped: 'stopped',
  invalidAmount: 'invalid-amount',
  unitMismatch: 'unit-mismatch',
  invalidThresholds: 'invalid-thresholds',
  invalidInstant: 'invalid-instant',
  outOfOrder: 'out-of-order',
} as const;
/** One of the values of {@link SlaClockErrorCode}. */
export type SlaClockErrorCode = (typeof SlaClockErrorCode)[keyof typeof SlaClockErrorCode];

/** An operation that the clock's state does not allow, or invalid input to it. */
export class SlaClockError extends Error {
  constructor(
    readonly code: SlaClockErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SlaClockError';
  }
}

/** Who did something to the clock and why, for the ledger. */
export interface SlaEventMeta {
  reason?: string;
  actor?: string;
}

/** Options of {@link startClock}. */
export interface StartClockOptions extends SlaEventMeta {
  thresholds?: Partial<SlaThresholds>;
}

/**
 * Start a clock with a budget at an instant. For a `workday` budget the start day itself is not
 * counted (counting begins at the next local midnight).
 */
export function startClock(budget: Duration, at: Instant, options: StartClockOptions = {}): SlaClock {
  const startedAt = iso(at);
  checkPositive(budget.amount, 'budget');
  const parsed = slaThresholdsSchema.safeParse({ ...DEFAULT_SLA_THRESHOLDS, ...options.thresholds });
  if (!parsed.success) {
    throw new SlaClockError(
      SlaClockErrorCode.invalidThresholds,
      '预警阈值须满足 0 < 蓝 < 黄 < 红 / thresholds must satisfy 0 < blue < yellow < red',
    );
  }
  const { reason, actor } = options;
  return {
    budget: { ...budget },
    startedAt,
    thresholds: parsed.data,
    pauses: [],
    extensions: [],
    stoppedAt: null,
    recordedLevel: 'green',
    ledger: [{ kind: 'start', at: startedAt, budget: { ...budget }, reason, actor }],
  };
}

/** Pause a running clock (e.g. 行政许可法 §45: hearing, inspection, testing, expert review). */
export function pauseClock(clock: SlaClock, at: Instant, reason: string, actor?: string): SlaClock {
  const when = eventInstant(clock, at);
  if (isPaused(clock))
    throw new SlaClockError(SlaClockErrorCode.alreadyPaused, '计时已暂停 / the clock is already paused');
  return {
    ...clock,
    pauses: [...clock.pauses, { from: when, reason }],
    ledger: [...clock.ledger, { kind: 'pause', at: when, reason, actor }],
  };
}

/** Resume a paused clock. */
export function resumeClock(clock: SlaClock, at: Instant, meta: SlaEventMeta = {}): SlaClock {
  const when = eventInstant(clock, at);
  const open = clock.pauses.at(-1);
  if (!open || open.to !== undefined)
    throw new SlaClockError(SlaClockErrorCode.notPaused, '计时未暂停 / the clock is not paused');
  return {
    ...clock,
    pauses: [...clock.pauses.slice(0, -1), { ...open, to: when }],
    ledger: [...clock.ledger, { kind: 'resume', at: when, ...meta }],
  };
}

/** Extend the budget (延期) by `amount` in the budget's unit, with the approver recorded. */
export function extendClock(
  clock: SlaClock,
  amount: number,
  at: Instant,
  reason: string,
  approvedBy: string,
): SlaClock {
  const when = eventInstant(clock, at);
  checkPositive(amount, 'extension');
  return {
    ...clock,
    extensions: [...clock.extensions, { amount, at: when, reason, approvedBy }],
    ledger: [...clock.ledger, { kind: 'extend', at: when, amount, reason, approvedBy }],
  };
}

/**
 * Replace the base budget (e.g. a changed time limit in the catalogue); extensions stay. The unit
 * must stay the same, since extensions and consumption are measured in it.
 */
export function changeBudget(clock: SlaClock, budget: Duration, at: Instant, reason: string, actor?: string): SlaClock {
  const when = eventInstant(clock, at);
  checkPositive(budget.amount, 'budget');
  if (budget.unit !== clock.budget.unit) {
    throw new SlaClockError(
      SlaClockErrorCode.unitMismatch,
      `时限单位须保持为 ${clock.budget.unit} / the budget unit must stay ${clock.budget.unit}`,
    );
  }
  return {
    ...clock,
    budget: { ...budget },
    ledger: [
      ...clock.ledger,
      { kind: 'budget-change', at: when, from: clock.budget, to: { ...budget }, reason, actor },
    ],
  };
}

/** Stop the clock for good (the work is done, withdrawn, …); allowed while paused. */
export function stopClock(clock: SlaClock, at: Instant, meta: SlaEventMeta = {}): SlaClock {
  const when = eventInstant(clock, at);
  return { ...clock, stoppedAt: when, ledger: [...clock.ledger, { kind: 'stop', at: when, ...meta }] };
}

/** The clock's state and everything derived from it at an instant; see {@link clockStatus}. */
export interface SlaClockStatus {
  state: 'running' | 'paused' | 'stopped';
  /** Base budget plus extensions. */
  budget: Duration;
  /** Amount of the budget's unit used so far (at `stoppedAt` for a stopped clock). */
  consumed: number;
  /** `budget.amount - consumed`; negative once the budget is overspent. */
  remaining: number;
  /** `consumed / budget.amount`. */
  fraction: number;
  level: SlaLevel;
  /** The deadline has passed while the clock was running. */
  overdue: boolean;
  /**
   * Running: the deadline (ISO). Paused: null, unless it was already missed. Stopped: the deadline in
   * force when the clock stopped (null if it stopped while paused and was not overdue).
   */
  deadline: string | null;
  /**
   * When each level is (or was) reached given no further pause; null when not reachable from the
   * current state.
   */
  blueAt: string | null;
  yellowAt: string | null;
  redAt: string | null;
  /**
   * The next instant after `now` at which the level changes (running clocks only): wake a timer then.
   */
  nextTransitionAt: string | null;
  /**
   * Years without calendar data whose Mon–Fri fallback these numbers rely on (see {@link
   * WorkingCalendar}).
   */
  fallbackYears: number[];
  /** Human-readable warnings, one per fallback year, to show on the case. */
  calendarWarnings: string[];
}

/**
 * Everything about a clock at `now`, recomputed from its state and the calendar (so a changed budget
 * or calendar changes live deadlines). Semantics:
 * - consumed = sum of the calendar's `measure` over running intervals; for `workday` the start day is
 *   not counted.
 * - Each level is reached at the instant consumption reaches its threshold; the deadline is where it
 *   reaches the whole budget. For `workday` the deadline and red are rounded up to 24:00 of the
 *   working day they fall in (so after a resume the remaining budget runs from the resume instant
 *   and ends at the end of a working day); blue and yellow are not rounded. Consumption can thus
 *   exceed the budget a little before the (rounded) deadline without the clock being red.
 * Throws {@link CalendarYearMissingError} when the calendar refuses a year it needs.
 */
export function clockStatus(clock: SlaClock, now: Instant, calendar: WorkingCalendar): SlaClockStatus {
  const nowMs = toEpochMs(now);
  const stoppedMs = clock.stoppedAt === null ? null : toEpochMs(clock.stoppedAt);
  const evalMs = stoppedMs === null ? nowMs : Math.min(nowMs, stoppedMs);
  const state = stoppedMs !== null ? 'stopped' : isPaused(clock) ? 'paused' : 'running';
  const budget = totalBudget(clock);
  const timeline = new Timeline(clock.budget.unit, runningSegments(clock, stoppedMs), calendar);

  const consumed = timeline.consumedUntil(evalMs);
  const deadlineMs = timeline.crossing(budget.amount, true);
  const overdue = deadlineMs !== null && deadlineMs <= evalMs;
  const reachedAt: Record<WarningLevel, number | null> = {
    blue: timeline.crossing(budget.amount * clock.thresholds.blue, false),
    yellow: timeline.crossing(budget.amount * clock.thresholds.yellow, false),
    red: timeline.crossing(budget.amount * clock.thresholds.red, true),
  };
  const level = WARNING_LEVELS.reduce<SlaLevel>((current, l) => {
    const at = reachedAt[l];
    return at !== null && at <= evalMs ? l : current;
  }, 'green');
  const upcoming =
    state === 'running'
      ? WARNING_LEVELS.map((l) => reachedAt[l]).filter((at): at is number => at !== null && at > nowMs)
      : [];

  // While paused there is no future deadline until the resume, but a missed one stays visible; a
  // clock stopped while running keeps the deadline that was in force at the stop.
  let deadline: number | null = state === 'running' || overdue ? deadlineMs : null;
  if (state === 'stopped' && !overdue && !isPaused(clock)) deadline = timeline.reopened().crossing(budget.amount, true);

  const fallbackYears = [...timeline.fallbackYears].sort((a, b) => a - b);
  return {
    state,
    budget,
    consumed,
    remaining: budget.amount - consumed,
    fraction: consumed / budget.amount,
    level,
    overdue,
    deadline: isoOrNull(deadline),
    blueAt: isoOrNull(reachedAt.blue),
    yellowAt: isoOrNull(reachedAt.yellow),
    redAt: isoOrNull(reachedAt.red),
    nextTransitionAt: isoOrNull(upcoming.length > 0 ? Math.min(...upcoming) : null),
    fallbackYears,
    calendarWarnings: fallbackYears.map(
      (year) =>
        `${year} 年节假日数据缺失，已按周一至周五工作日计算 / No holiday calendar for ${year}: Monday–Friday counted as working days`,
    ),
  };
}

/**
 * Append ledger entries for level changes since the last recorded level, so a workflow can call
 * this after every wake-up and record each transition exactly once. Levels newly reached are
 * recorded one by one at the instant each was reached; a drop (after an extension, a larger budget
 * or a calendar change) is recorded at `now`. Returns the same clock object when nothing changed.
 * `status` is the clock's {@link clockStatus} at `now` on `calendar`, when the caller has it already.
 */
export function recordLevelTransitions(
  clock: SlaClock,
  now: Instant,
  calendar: WorkingCalendar,
  status: SlaClockStatus = clockStatus(clock, now, calendar),
): SlaClock {
  const from = clock.recordedLevel;
  const rise = SLA_LEVELS.indexOf(status.level) - SLA_LEVELS.indexOf(from);
  if (rise === 0) return clock;
  const entries: SlaLedgerEntry[] = [];
  if (rise < 0) {
    entries.push({ kind: 'level', at: toIso(now), from, to: status.level });
  } else {
    const reachedAt = { blue: status.blueAt, yellow: status.yellowAt, red: status.redAt };
    let previous = from;
    for (const level of WARNING_LEVELS.slice(SLA_LEVELS.indexOf(from), SLA_LEVELS.indexOf(status.level))) {
      entries.push({ kind: 'level', at: reachedAt[level] ?? toIso(now), from: previous, to: level });
      previous = level;
    }
  }
  return { ...clock, recordedLevel: status.level, ledger: [...clock.ledger, ...entries] };
}

/** Base budget plus all extensions. */
export function totalBudget(clock: SlaClock): Duration {
  return { unit: clock.budget.unit, amount: clock.extensions.reduce((sum, e) => sum + e.amount, clock.budget.amount) };
}

// A [from, to) interval during which the clock ran; `to` null while it still runs.
interface Segment {
  from: number;
  to: number | null;
}

// The clock's running intervals, with the calendar arithmetic over them.
class Timeline {
  private readonly amounts: (number | null)[];

  constructor(
    private readonly unit: Duration['unit'],
    private readonly segments: readonly Segment[],
    private readonly calendar: WorkingCalendar,
    // Fallback years met by any calculation on this timeline (shared with {@link reopened}).
    readonly fallbackYears = new Set<number>(),
  ) {
    this.amounts = segments.map((s) => (s.to === null ? null : this.track(calendar.measure(unit, s.from, s.to))));
  }

  // The same timeline with its last interval left open, to find the deadline in force at a stop.
  reopened(): Timeline {
    const last = this.segments.at(-1);
    const segments = last ? [...this.segments.slice(0, -1), { from: last.from, to: null }] : [];
    return new Timeline(this.unit, segments, this.calendar, this.fallbackYears);
  }

  consumedUntil(ms: number): number {
    let total = 0;
    for (const [i, s] of this.segments.entries()) {
      if (s.from >= ms) break;
      total +=
        s.to !== null && s.to <= ms ? (this.amounts[i] ?? 0) : this.track(this.calendar.measure(this.unit, s.from, ms));
    }
    return total;
  }

  // The instant at which consumption reaches `target`, walking the running intervals; with `roundUp`
  // (only meaningful for `workday`) the crossing is moved to 24:00 of its working day and must still
  // fall inside the interval. Null if the intervals end before it.
  crossing(target: number, roundUp: boolean): number | null {
    let before = 0;
    for (const [i, s] of this.segments.entries()) {
      let at = this.track(this.calendar.advance(this.unit, s.from, Math.max(0, target - before))).getTime();
      if (roundUp && this.unit === 'workday') at = this.track(this.calendar.endOfWorkingDay(at)).getTime();
      if (s.to === null || at <= s.to) return at;
      before += this.amounts[i] ?? 0;
    }
    return null;
  }

  private track<T>(result: CalendarResult<T>): T {
    for (const year of result.fallbackYears) this.fallbackYears.add(year);
    return result.value;
  }
}

// Running intervals: from the start to the first pause, between pauses, and from the last resume to the
// stop (or open). For `workday`, intervals are clipped to begin at the end of the start day.
function runningSegments(clock: SlaClock, stoppedMs: number | null): Segment[] {
  const startMs = toEpochMs(clock.startedAt);
  const countFrom = clock.budget.unit === 'workday' ? dayStartMs(localDayIndex(startMs) + 1) : startMs;
  const raw: Segment[] = [];
  let from: number | null = startMs;
  for (const pause of clock.pauses) {
    if (from !== null) raw.push({ from, to: toEpochMs(pause.from) });
    from = pause.to === undefined ? null : toEpochMs(pause.to);
  }
  if (from !== null) raw.push({ from, to: stoppedMs });
  return raw
    .map((s) => ({ from: Math.max(s.from, countFrom), to: s.to }))
    .filter((s) => s.to === null || s.to > s.from);
}

function isPaused(clock: SlaClock): boolean {
  const last = clock.pauses.at(-1);
  return last !== undefined && last.to === undefined;
}

function iso(at: Instant): string {
  try {
    return toIso(at);
  } catch (error) {
    throw new SlaClockError(SlaClockErrorCode.invalidInstant, (error as Error).message);
  }
}

// Validate an event's instant: a real instant, on a running (not stopped) clock, not before the last
// event.
function eventInstant(clock: SlaClock, at: Instant): string {
  const when = iso(at);
  if (clock.stoppedAt !== null) throw new SlaClockError(SlaClockErrorCode.stopped, '计时已结束 / the clock is stopped');
  const latest = Math.max(...clock.ledger.map((e) => toEpochMs(e.at)));
  if (toEpochMs(when) < latest) {
    throw new SlaClockError(
      SlaClockErrorCode.outOfOrder,
      `事件时间早于上一事件 / ${when} is before the clock's last event`,
    );
  }
  return when;
}

function checkPositive(amount: number, what: string): void {
  if (!Number.isFinite(amount) || amount <= 0) {
    throw new SlaClockError(
      SlaClockErrorCode.invalidAmount,
      `时长须为正数 / the ${what} must be a positive number, got ${amount}`,
    );
  }
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
