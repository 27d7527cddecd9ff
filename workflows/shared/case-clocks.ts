import {
  buildCalendar,
  CalendarYearMissingError,
  type CalendarData,
  type CalendarFallback,
  type Duration,
  type WorkingCalendar,
} from '../../domain/calendar';
import {
  clockStatus,
  recordLevelTransitions,
  SlaClockError,
  type SlaClock,
  type SlaClockStatus,
  type SlaLevel,
  SLA_LEVELS,
} from '../../domain/sla-clock';
import type { ClockSnapshot } from './case-snapshot';
import { CaseErrorType, caseError } from './errors';
import { shareInMementos } from './memento';

/** The calendar a case computes with: data, region and fallback policy; plain JSON in workflow state. */
export interface CalendarContext {
  data: CalendarData;
  region?: string;
  fallback: CalendarFallback;
}

export interface NamedClock {
  label: string;
  clock: SlaClock;
}

/** A level change the workflow should record (and, for red, act on). */
export interface LevelChange {
  key: string;
  label: string;
  from: SlaLevel;
  to: SlaLevel;
  at: string;
}

/**
 * The last status computed for each clock object. A clock is never changed in place (a change makes
 * a new object), and within one workflow task the time stands still, so the several readers of a
 * clock in one action (the check, the colour, the snapshot, the view, the next wake-up) share one
 * computation — each walks the calendar for four crossings (bench:throughput, issue 19). Frozen,
 * because every reader gets the same object.
 */
const lastStatus = new WeakMap<SlaClock, { now: number; calendar: WorkingCalendar; status: SlaClockStatus }>();

function statusOf(clock: SlaClock, now: number, calendar: WorkingCalendar): SlaClockStatus {
  const known = lastStatus.get(clock);
  if (known && known.now === now && known.calendar === calendar) return known.status;
  const computed = clockStatus(clock, now, calendar);
  Object.freeze(computed.fallbackYears);
  Object.freeze(computed.calendarWarnings);
  const status = Object.freeze(computed);
  lastStatus.set(clock, { now, calendar, status });
  return status;
}

const LEVEL_NAME: Record<SlaLevel, string> = { green: '正常', blue: '临近', yellow: '预警', red: '超期' };

/** The audit note of a colour change, in the words clerks use: `整改时限：正常 → 临近`. */
export function levelChangeNote(change: LevelChange): string {
  return `${change.label}：${LEVEL_NAME[change.from]} → ${LEVEL_NAME[change.to]}`;
}

/**
 * The SLA clocks of one case, with the calendar they count on. The workflow sleeps until
 * `nextWakeupMs`, then calls `recordTransitions`; every change goes through `apply`, which refuses
 * (as a 422 failure) a change whose deadline the calendar cannot compute.
 */
export class CaseClocks {
  private calendar: WorkingCalendar;

  constructor(
    private context: CalendarContext,
    readonly clocks: Record<string, NamedClock> = {},
  ) {
    this.calendar = this.build(context);
  }

  get calendarContext(): CalendarContext {
    return this.context;
  }

  /** The working calendar the clocks count on (for rules that need a deadline without a clock). */
  get workingCalendar(): WorkingCalendar {
    return this.calendar;
  }

  /** Swap in new calendar data (admins edited it): every live deadline is recomputed from it. */
  setCalendar(context: CalendarContext): void {
    this.context = context;
    this.calendar = this.build(context);
  }

  /** The calendar and its data are replaced, never changed in place: an action's memento shares them. */
  private build(context: CalendarContext): WorkingCalendar {
    const calendar = buildCalendar(context.data, {
      region: context.region,
      fallback: context.fallback,
      validated: true,
    });
    [context, context.data, calendar].forEach(shareInMementos);
    return calendar;
  }

  status(key: string, now: number): SlaClockStatus | null {
    const named = this.clocks[key];
    return named ? statusOf(named.clock, now, this.calendar) : null;
  }

  /**
   * Replace (or add) a clock after checking its deadline can be computed; a missing calendar year
   * refuses the change, leaving the clocks untouched.
   */
  apply(key: string, label: string, change: () => SlaClock, now: number): void {
    let next: SlaClock;
    try {
      next = change();
    } catch (err) {
      if (err instanceof SlaClockError)
        throw caseError(CaseErrorType.InvalidState, `clock-${err.code}`, err.message, err.message);
      throw err;
    }
    this.check(next, now);
    this.clocks[key] = { label, clock: next };
  }

  /** Throw a 422 failure when the calendar cannot compute this clock (checked before anything changes). */
  check(clock: SlaClock, now: number): void {
    try {
      statusOf(clock, now, this.calendar);
    } catch (err) {
      if (err instanceof CalendarYearMissingError) {
        throw caseError(
          CaseErrorType.RuleRefused,
          err.code,
          `${err.year} 年的节假日数据尚未录入，无法计算期限；请管理员先录入该年日历`,
          `No holiday calendar for ${err.year}: an administrator must enter that year before this deadline can be computed`,
        );
      }
      throw err;
    }
  }

  /** Build a clock and check it, without storing it. */
  validate(build: () => SlaClock, now: number): void {
    this.check(build(), now);
  }

  /**
   * The earliest instant at which any clock changes colour; null when none will. A change that is
   * already due but not yet recorded (the workflow woke late: a busy worker, a workflow task that
   * timed out and was retried) is due now — otherwise its colour would never be recorded.
   */
  nextWakeupMs(now: number): number | null {
    let next: number | null = null;
    for (const [key, named] of Object.entries(this.clocks)) {
      const status = this.safeStatus(key, now);
      if (!status) continue;
      if (status.level !== named.clock.recordedLevel) return now;
      if (status.nextTransitionAt) next = Math.min(next ?? Infinity, Date.parse(status.nextTransitionAt));
    }
    return next;
  }

  /** Record every level change reached by `now` in the clocks' ledgers and return them. */
  recordTransitions(now: number): LevelChange[] {
    const changes: LevelChange[] = [];
    for (const [key, named] of Object.entries(this.clocks)) {
      let updated: SlaClock;
      try {
        updated = recordLevelTransitions(named.clock, now, this.calendar, statusOf(named.clock, now, this.calendar));
      } catch (err) {
        if (err instanceof CalendarYearMissingError) continue;
        throw err;
      }
      if (updated === named.clock) continue;
      for (const entry of updated.ledger.slice(named.clock.ledger.length)) {
        if (entry.kind === 'level')
          changes.push({ key, label: named.label, from: entry.from, to: entry.to, at: entry.at });
      }
      this.clocks[key] = { ...named, clock: updated };
    }
    return changes;
  }

  /** The worst colour and nearest deadline over live clocks, plus calendar warnings, for the envelope. */
  summary(now: number): { colour: SlaLevel; deadline: string | null; calendarWarnings: string[] } {
    let colour: SlaLevel = 'green';
    let deadline: string | null = null;
    const warnings = new Set<string>();
    for (const key of Object.keys(this.clocks)) {
      const s = this.safeStatus(key, now);
      if (!s || s.state === 'stopped') continue;
      if (SLA_LEVELS.indexOf(s.level) > SLA_LEVELS.indexOf(colour)) colour = s.level;
      if (s.deadline && (!deadline || s.deadline < deadline)) deadline = s.deadline;
      s.calendarWarnings.forEach((w) => warnings.add(w));
    }
    return { colour, deadline, calendarWarnings: [...warnings] };
  }

  snapshots(now: number): ClockSnapshot[] {
    return Object.entries(this.clocks).map(([key, { label, clock }]) => {
      const s = this.safeStatus(key, now);
      return {
        key,
        label,
        state: s?.state ?? 'unknown',
        level: s?.level ?? 'green',
        deadline: s?.deadline ?? null,
        budget: s?.budget ?? clock.budget,
        consumed: s?.consumed ?? 0,
        fallbackYears: s?.fallbackYears ?? [],
        ledger: clock.ledger,
      };
    });
  }

  private safeStatus(key: string, now: number): SlaClockStatus | null {
    try {
      return this.status(key, now);
    } catch (err) {
      if (err instanceof CalendarYearMissingError) return null;
      throw err;
    }
  }
}

export type { Duration };
