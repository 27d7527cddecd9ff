import { z } from 'zod';
import { bilingual } from './bilingual';
import {
  CalendarYearMissingError,
  strictPositiveDurationSchema,
  type Duration,
  type WorkingCalendar,
} from './calendar';
import { formatShanghai, MINUTE_MS, toEpochMs, type Instant } from './time';

/*
 * Four-level incident escalation (网格事件 四级处置, DOMAIN §5) and 12345 orders (§6): pure rules shared
 * by the workflow, the API and the seed.
 */

/** L1 grid 网格 → L2 village/community 村/社区 → L3 township/street 乡镇/街道 → L4 county 县. */
export const INCIDENT_LEVELS = [1, 2, 3, 4] as const;
export type IncidentLevelNo = (typeof INCIDENT_LEVELS)[number];
export const TOP_LEVEL: IncidentLevelNo = 4;
export const LEVEL_LABEL: Record<IncidentLevelNo, string> = {
  1: '一级（网格）',
  2: '二级（村/社区）',
  3: '三级（乡镇/街道）',
  4: '四级（县）',
};

/** Where an event came from: grid patrol, resident photo report (随手拍), 12345 hotline order, camera/IoT alert. */
export const INCIDENT_SOURCES = ['patrol', 'photo', 'hotline', 'iot'] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];
export const SOURCE_LABEL: Record<IncidentSource, string> = {
  patrol: '网格巡查',
  photo: '群众随手拍',
  hotline: '12345 热线工单',
  iot: '视频/物联感知',
};

/** Callback (回访) verdicts; 满意 and 基本满意 count as satisfied in the satisfaction rate. */
export const SATISFACTION = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Satisfaction = (typeof SATISFACTION)[number];
export const SATISFACTION_LABEL: Record<Satisfaction, string> = {
  satisfied: '满意',
  basic: '基本满意',
  unsatisfied: '不满意',
};

/**
 * A level's time limit: a duration, or `same-workday` (L1 "当日办结"), which runs to 24:00 of the
 * working day the level starts in — or of the next working day when it starts on a non-working day.
 */
export const incidentLimitSchema = z.union([
  z.strictObject({ unit: z.literal('same-workday') }),
  strictPositiveDurationSchema,
]);
export type IncidentLimit = z.infer<typeof incidentLimitSchema>;

/** The code of the default urgencies; 特急 may skip levels when escalated by hand. */
export const DEFAULT_URGENCIES = [
  { code: 'normal', name: '一般', mayJump: false, sort: 1 },
  { code: 'urgent', name: '紧急', mayJump: false, sort: 2 },
  { code: 'critical', name: '特急', mayJump: true, sort: 3 },
] as const;

/** DOMAIN §5 defaults: 一般 L1 same working day, L2 3, L3 7, L4 15 working days; 紧急 24 h and 特急 2 h per level. */
export function defaultLimit(urgency: string, level: IncidentLevelNo): IncidentLimit {
  if (urgency === 'urgent') return { unit: 'hour', amount: 24 };
  if (urgency === 'critical') return { unit: 'hour', amount: 2 };
  const days: Record<IncidentLevelNo, number> = { 1: 0, 2: 3, 3: 7, 4: 15 };
  return level === 1 ? { unit: 'same-workday' } : { unit: 'workday', amount: days[level] };
}

export const DEFAULT_CATEGORIES = [
  { code: 'party-building', name: '党的建设' },
  { code: 'law-enforcement', name: '行政执法' },
  { code: 'work-safety', name: '安全生产' },
  { code: 'environment', name: '环境保护' },
  { code: 'dispute', name: '矛盾纠纷' },
  { code: 'city-appearance', name: '市容环境' },
  { code: 'livelihood', name: '民生服务' },
] as const;

/** 12345 order types (接诉即办) with their deadlines (§6 defaults). */
export const DEFAULT_HOTLINE_TYPES: readonly { code: string; name: string; limit: Duration }[] = [
  { code: 'life-safety', name: '涉及生命财产安全', limit: { unit: 'hour', amount: 2 } },
  { code: 'utilities', name: '水电气热', limit: { unit: 'hour', amount: 24 } },
  { code: 'ordinary', name: '一般诉求', limit: { unit: 'day', amount: 7 } },
  { code: 'complex', name: '复杂诉求', limit: { unit: 'day', amount: 15 } },
];

/**
 * Where the routing table sends a category at a level: `ancestor` = the reporting grid's own unit
 * at that level (the grid, its village, its township); `agency` = the township's dispatched agency
 * with this code (L3 only, e.g. `scjgs` → `lk.t01.scjgs`); `unit` = a fixed unit (L4: a county
 * department).
 */
export const ROUTING_MODES = ['ancestor', 'agency', 'unit'] as const;
export type RoutingMode = (typeof ROUTING_MODES)[number];

/** Who verifies a resolved event on site (核查): the reporting grid's worker, or the level above the resolver. */
export const VERIFIERS = ['reporting-grid', 'level-above'] as const;
export type Verifier = (typeof VERIFIERS)[number];

/**
 * DOMAIN §5: a dispatched unit may dispute (派单异议) "within a short period". Default: 2 working
 * hours from the dispatch (office hours on the working-day calendar).
 */
export const DEFAULT_DISPUTE_WINDOW: Duration = { unit: 'workhour', amount: 2 };

/** Verification, callback and indicator rules (configurable as one settings document). */
export const incidentSettingsSchema = z.strictObject({
  /** How long after a dispatch its unit may dispute it (派单异议); later it must sign and handle it. */
  disputeWindow: strictPositiveDurationSchema.default(DEFAULT_DISPUTE_WINDOW),
  /** The county command centre (综合指挥中心): dispatches at L4 and owns 12345 orders; acts countywide. */
  commandCentreUnitId: z.string().min(1).max(100),
  /** Verifier per resolving level; a grid that resolved its own event cannot verify itself. */
  verifier: z.strictObject({ 1: z.enum(VERIFIERS), 2: z.enum(VERIFIERS), 3: z.enum(VERIFIERS), 4: z.enum(VERIFIERS) }),
  /** Sources whose events are called back (回访) after closing. */
  callbackSources: z.array(z.enum(INCIDENT_SOURCES)),
  /** 三率 weights (response, resolution, satisfaction), summing to 1. */
  hotlineWeights: z
    .strictObject({
      response: z.number().min(0).max(1),
      resolution: z.number().min(0).max(1),
      satisfaction: z.number().min(0).max(1),
    })
    .refine(
      (w) => Math.abs(w.response + w.resolution + w.satisfaction - 1) < 1e-9,
      bilingual(
        '三率权重（响应率、解决率、满意率）之和须为 1',
        'the weights (response, resolution, satisfaction) must sum to 1',
      ),
    ),
});
export type IncidentSettings = z.infer<typeof incidentSettingsSchema>;

/** Default rules, less the county-specific command centre. */
export const DEFAULT_INCIDENT_RULES: Omit<IncidentSettings, 'commandCentreUnitId'> = {
  disputeWindow: DEFAULT_DISPUTE_WINDOW,
  verifier: { 1: 'level-above', 2: 'reporting-grid', 3: 'reporting-grid', 4: 'reporting-grid' },
  callbackSources: ['hotline', 'photo'],
  hotlineWeights: { response: 0.3, resolution: 0.35, satisfaction: 0.35 },
};

/** A rule that refuses something, with a stable code and a bilingual message. */
export interface IncidentViolation {
  code: string;
  zh: string;
  en: string;
}

/**
 * The level a manual escalation (上报) goes to: the next one, or — for an urgency that may jump
 * (特急) — L3 or L4 directly. Returns a violation when the request breaks the rule.
 */
export function escalationTarget(
  current: IncidentLevelNo,
  requested: IncidentLevelNo | undefined,
  mayJump: boolean,
): IncidentLevelNo | IncidentViolation {
  if (current === TOP_LEVEL) {
    return {
      code: 'escalation-past-top',
      zh: '事件已在四级（县级）处置，不能再上报',
      en: 'The event is already at L4 (county); it cannot be escalated further',
    };
  }
  const next = (current + 1) as IncidentLevelNo;
  const target = requested ?? next;
  if (target <= current)
    return { code: 'escalation-not-upward', zh: '只能向上级上报', en: 'An escalation must go to a higher level' };
  if (target === next) return target;
  if (!mayJump)
    return {
      code: 'escalation-one-level',
      zh: '只能逐级上报（特急事件方可越级至三级或四级）',
      en: 'Escalate one level at a time; only 特急 events may jump to L3 or L4',
    };
  if (target < 3)
    return {
      code: 'escalation-jump-target',
      zh: '特急事件越级上报只能至三级或四级',
      en: 'A 特急 jump must go to L3 or L4',
    };
  return target;
}

/**
 * The level a report starts at: the requested one (L1 unless a dispatcher chose another), moved up
 * past every level whose handling unit and role are the reporter's own. A grid worker's patrol report
 * is not signed for (签收) by the grid worker who filed it: it goes to the village, the next level of
 * DOMAIN §5's grid → village → township → county, whose handler signs for it and the reporting
 * grid verifies the result on site.
 */
export function reportStartLevel(
  routes: readonly { unitId: string; role: string }[],
  reporter: { unitId: string; role: string },
  requested: IncidentLevelNo = 1,
): IncidentLevelNo | IncidentViolation {
  for (const level of INCIDENT_LEVELS) {
    if (level < requested) continue;
    const route = routes[level - 1];
    if (route && !(route.unitId === reporter.unitId && route.role === reporter.role)) return level;
  }
  return {
    code: 'incident-route-reporter',
    zh: '各级派单规则都派回上报人本单位，无人签收此事件',
    en: 'Every level routes the event back to the reporter’s own unit; no one else would sign for it',
  };
}

export function isViolation<T>(v: T | IncidentViolation): v is IncidentViolation {
  return typeof v === 'object' && v !== null && 'code' in v && 'zh' in v;
}

/**
 * The SLA budget of a level limit started at `at`: `same-workday` becomes the natural minutes to
 * the end of that working day (so the clock turns red at 24:00); anything else is itself. Throws
 * the calendar's error when the year has no data.
 */
export function limitBudget(limit: IncidentLimit, at: Instant, calendar: WorkingCalendar): Duration {
  if (limit.unit !== 'same-workday') return limit;
  const start = toEpochMs(at);
  const end = calendar.endOfWorkingDay(start).value.getTime();
  return { unit: 'minute', amount: Math.max(1, (end - start) / MINUTE_MS) };
}

/** Label of a limit for people: `当日（工作日）`, `3 个工作日`, `24 小时`. */
export function limitLabel(limit: IncidentLimit): string {
  const unit: Record<string, string> = {
    workday: '个工作日',
    workhour: '个工作小时',
    minute: '分钟',
    hour: '小时',
    day: '天',
  };
  return limit.unit === 'same-workday' ? '当日（工作日）' : `${limit.amount} ${unit[limit.unit] ?? limit.unit}`;
}

const EN_UNIT: Record<Duration['unit'], string> = {
  workday: 'working day(s)',
  workhour: 'working hour(s)',
  minute: 'minute(s)',
  hour: 'hour(s)',
  day: 'day(s)',
};

/** The end of the dispute window (派单异议) of a dispatch made at `dispatchedAt`. Throws the calendar's error when a year has no data. */
export function disputeDeadline(window: Duration, dispatchedAt: Instant, calendar: WorkingCalendar): Date {
  return calendar.deadline(window.unit, dispatchedAt, window.amount).value;
}

/**
 * A dispute (派单异议) raised after its window, refused naming the rule; null when it is in time.
 * When the calendar cannot compute the window's end (a year without data) the dispute is let through:
 * a missing calendar must not take a unit's right to object away.
 */
export function disputeTooLate(
  window: Duration,
  dispatchedAt: Instant,
  now: Instant,
  calendar: WorkingCalendar,
): IncidentViolation | null {
  let deadline: Date;
  try {
    deadline = disputeDeadline(window, dispatchedAt, calendar);
  } catch (err) {
    if (err instanceof CalendarYearMissingError) return null;
    throw err;
  }
  if (toEpochMs(now) <= deadline.getTime()) return null;
  const by = formatShanghai(deadline);
  return {
    code: 'dispute-window-passed',
    zh: `派单异议须在派单后 ${limitLabel(window)}内提出（规则：派单异议期限，截止 ${by}）；异议期已过，请签收办理`,
    en: `A dispatch dispute must be raised within ${window.amount} ${EN_UNIT[window.unit]} of the dispatch (rule: dispute window, ended ${by}); the window has passed: sign for it and handle it`,
  };
}
