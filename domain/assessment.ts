import { z } from 'zod';
import { bilingual } from './bilingual';
import { durationSchema } from './calendar';
import { SECONDMENT_EFFECTS } from './secondment';
import { shanghaiInstant } from './time';

/*
 * Two-way assessment (双向考核, DOMAIN §7): indicator schemes as typed data, periods, and the pure
 * scoring rules — every number in a ranking is produced here, together with the sentence that
 * explains it.
 */

/** Who assesses whom. */
export const ASSESSMENT_DIRECTIONS = [
  'county-to-township',
  'township-to-department',
  'grid-worker',
  'seconded-staff',
] as const;
export type AssessmentDirection = (typeof ASSESSMENT_DIRECTIONS)[number];
export const DIRECTION_LABEL: Record<AssessmentDirection, string> = {
  'county-to-township': '县直部门考核乡镇',
  'township-to-department': '乡镇考核县直部门及派驻机构',
  'grid-worker': '网格员月度考核',
  'seconded-staff': '选派人员年度考核',
};

/** 月调度、季分析、年总结. */
export const ASSESSMENT_PERIODS = ['month', 'quarter', 'year'] as const;
export type AssessmentPeriod = (typeof ASSESSMENT_PERIODS)[number];

/**
 * The automatic indicators' inputs: counts read from the case data of one ratee in one period
 * (db/assessment.ts computes them). A ratee that is a user (grid worker, seconded staff) is counted
 * on its own unit (the grid).
 */
export const METRICS = {
  'approval.concluded': { zh: '审批办结件数', en: 'approval cases concluded' },
  'approval.onTime': { zh: '审批按期办结件数', en: 'approval cases concluded on time' },
  'incident.total': { zh: '事件总数', en: 'incidents' },
  'incident.resolved': { zh: '已办结事件数', en: 'incidents resolved' },
  'incident.onTime': { zh: '按期办结事件数', en: 'incidents resolved on time' },
  'incident.disposed': { zh: '已结案事件数', en: 'incidents closed (disposed)' },
  'incident.escalated': { zh: '上报（升级）事件数', en: 'incidents escalated' },
  'incident.late': { zh: '本单位超时次数（逾期自动升级）', en: 'times this unit let a level limit expire' },
  'incident.redCards': { zh: '事件红牌数', en: 'incident red cards' },
  'incident.calledBack': { zh: '已回访事件数', en: 'incidents called back' },
  'incident.satisfied': { zh: '回访满意（含基本满意）数', en: 'incidents satisfied at callback' },
  'hotline.orders': { zh: '12345 工单数', en: '12345 orders' },
  'hotline.responded': { zh: '12345 按时响应数', en: '12345 orders responded in time' },
  'hotline.calledBack': { zh: '12345 已回访数', en: '12345 orders called back' },
  'hotline.resolved': { zh: '12345 已解决数', en: '12345 orders resolved' },
  'hotline.satisfied': { zh: '12345 满意数', en: '12345 orders satisfied' },
  'notice.overdue': { zh: '督办次数', en: 'urging notices (督办)' },
  'notice.redCard': { zh: '红牌次数', en: 'red cards' },
  'summons.parts': { zh: '被吹哨次数', en: 'summons received' },
  'summons.ackOnTime': { zh: '按时报到次数', en: 'summons acknowledged in time' },
  'summons.resultOnTime': { zh: '按时反馈结果次数', en: 'summons results reported in time' },
  'summons.misses': { zh: '报到或反馈超时次数', en: 'summons deadlines missed' },
  'summons.redCards': { zh: '吹哨报到红牌数', en: 'summons red cards' },
  'summons.rated': { zh: '乡镇已评价次数', en: 'summons rated by the township' },
  'summons.satisfied': { zh: '乡镇评价满意（含基本满意）次数', en: 'summons rated satisfied or basically satisfied' },
  'grid.reported': { zh: '网格巡查上报事件数', en: 'incidents reported by patrol in the grid' },
  'grid.closed': { zh: '网格事件结案数', en: 'grid incidents closed' },
} as const satisfies Record<string, { zh: string; en: string }>;
export type MetricKey = keyof typeof METRICS;
export const METRIC_KEYS = Object.keys(METRICS) as [MetricKey, ...MetricKey[]];
export const metricKeySchema = z.enum(METRIC_KEYS);

/** The measured values of one ratee: metric → count. */
export type MetricValues = Partial<Record<MetricKey, number>>;

/**
 * How an indicator turns data into a score between 0 and 100 (its 得分率). Data, never code:
 * - `ratio`: numerator / denominator, mapped linearly from `zeroAt` (score 0) to `fullAt` (100);
 *   `whenEmpty` when the denominator is 0 (nothing to count is not a failure by default);
 * - `linear`: one count mapped from `zeroAt` to `fullAt` (fullAt < zeroAt: fewer is better);
 * - `deduction`: 100 minus `perEvent` per event, never below `floor`;
 * - `manual`: the raters' scores out of `max`, averaged.
 */
export const formulaSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('ratio'),
    numerator: metricKeySchema,
    denominator: metricKeySchema,
    zeroAt: z.number().min(0).max(1).default(0),
    fullAt: z.number().min(0).max(1).default(1),
    whenEmpty: z.number().min(0).max(100).default(100),
  }),
  z.strictObject({
    type: z.literal('linear'),
    metric: metricKeySchema,
    zeroAt: z.number().min(0),
    fullAt: z.number().min(0),
  }),
  z.strictObject({
    type: z.literal('deduction'),
    metric: metricKeySchema,
    perEvent: z.number().positive().max(100),
    floor: z.number().min(0).max(100).default(0),
  }),
  z.strictObject({ type: z.literal('manual'), max: z.number().positive().max(1000).default(100) }),
]);
export type Formula = z.infer<typeof formulaSchema>;

const code = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

/** One indicator: its `weight` is the points it is worth within its side (a side's weights add up to 100). */
export const indicatorSchema = z.strictObject({
  code,
  name: z.string().trim().min(1).max(100),
  side: code,
  weight: z.number().positive().max(100),
  formula: formulaSchema,
  description: z.string().max(500).optional(),
});
export type Indicator = z.infer<typeof indicatorSchema>;

/** Units picked by kind (and optionally an id prefix, or explicit ids). */
export const unitSelectorSchema = z.strictObject({
  kinds: z
    .array(z.enum(['county', 'township', 'street', 'village', 'community', 'grid', 'department', 'agency']))
    .min(1),
  idPrefix: z.string().max(100).optional(),
  ids: z.array(z.string().max(100)).max(500).optional(),
});
export type UnitSelector = z.infer<typeof unitSelectorSchema>;

/**
 * Who rates a ratee on a side's manual indicators: fixed units (e.g. every county department rates
 * every township), the township the ratee sits in (an agency's or a grid worker's township), or the
 * ratee's owning department (an agency's department, a department itself). Within a rater unit,
 * users with one of `roles`, and its leaders when `leaders`, may score.
 */
export const raterRuleSchema = z.strictObject({
  relation: z.enum(['fixed', 'ratee-township', 'ratee-department']),
  units: unitSelectorSchema.optional(),
  roles: z.array(z.string().min(1).max(40)).max(10).default(['assessor']),
  leaders: z.boolean().default(true),
});
export type RaterRule = z.infer<typeof raterRuleSchema>;

/** A rater side (评价主体) and its weight in the total, e.g. township 60 % / department 40 % for an agency. */
export const sideSchema = z.strictObject({
  code,
  name: z.string().trim().min(1).max(100),
  weight: z.number().positive().max(1),
  raters: raterRuleSchema.optional(),
});
export type Side = z.infer<typeof sideSchema>;

/**
 * Grade bands, best first; `rectify` opens a rectification task (不合格); `outcome` / `payGrade` say
 * what the grade means; `secondment` what a seconded-staff cycle does with it once final (default:
 * the best band converts, the lowest returns, the rest continue — domain/secondment.ts).
 */
export const bandSchema = z.strictObject({
  code,
  label: z.string().trim().min(1).max(20),
  min: z.number().min(0).max(100),
  rectify: z.boolean().default(false),
  outcome: z.string().max(200).optional(),
  payGrade: z.string().max(40).optional(),
  secondment: z.enum(SECONDMENT_EFFECTS).optional(),
});
export type Band = z.infer<typeof bandSchema>;

/** Default bands: 90–100 优秀, 80–90 良好, 60–80 合格, < 60 不合格. */
export const DEFAULT_BANDS: Band[] = [
  { code: 'excellent', label: '优秀', min: 90, rectify: false },
  { code: 'good', label: '良好', min: 80, rectify: false },
  { code: 'pass', label: '合格', min: 60, rectify: false },
  { code: 'fail', label: '不合格', min: 0, rectify: true },
];

/** What a missing manual score counts as once scoring closes. */
export const MISSING_SCORE_RULES = ['average-of-others', 'zero', 'full'] as const;
export type MissingScoreRule = (typeof MISSING_SCORE_RULES)[number];
const MISSING_RULE_LABEL: Record<MissingScoreRule, string> = {
  'average-of-others': '取其他评分单位平均分（无其他评分时记 0 分）',
  zero: '记 0 分',
  full: '记满分',
};

export const rateeSelectorSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('units'), units: unitSelectorSchema }),
  z.strictObject({
    type: z.literal('users'),
    role: z.string().min(1).max(40).optional(),
    userIds: z.array(z.string().max(100)).max(5000).optional(),
  }),
]);
export type RateeSelector = z.infer<typeof rateeSelectorSchema>;

/**
 * One version of an indicator scheme. A cycle freezes the version it opened with; an edit makes a
 * new version (DOMAIN §7).
 */
export const schemeDefinitionSchema = z
  .strictObject({
    direction: z.enum(ASSESSMENT_DIRECTIONS),
    period: z.enum(ASSESSMENT_PERIODS),
    /** The organising unit: its assessors run the cycle and decide appeals. */
    ownerUnitId: z.string().min(1).max(100),
    /**
     * The organisation department (组织部门) that carries out a seconded-staff cycle's outcomes that
     * need people: conversions (转为乡镇在编) and returns to a unit outside the system. Default: the
     * organising unit.
     */
    personnelUnitId: z.string().min(1).max(100).optional(),
    ratees: rateeSelectorSchema,
    sides: z.array(sideSchema).min(1).max(5),
    indicators: z.array(indicatorSchema).min(1).max(50),
    bands: z.array(bandSchema).min(2).max(6).default(DEFAULT_BANDS),
    scoringWindow: durationSchema.default({ unit: 'workday', amount: 5 }),
    appealWindow: durationSchema.default({ unit: 'workday', amount: 5 }),
    missingScore: z.enum(MISSING_SCORE_RULES).default('average-of-others'),
    ranking: z
      .strictObject({ top: z.number().int().min(0).max(50), bottom: z.number().int().min(0).max(50) })
      .default({ top: 3, bottom: 3 }),
    rectification: durationSchema.default({ unit: 'day', amount: 30 }),
    /** Open cycles automatically at the start of each period for the one just ended. */
    schedule: z.boolean().default(true),
  })
  .superRefine((d, ctx) => {
    for (const v of schemeViolations(d)) ctx.addIssue({ code: 'custom', path: v.path, message: bilingual(v.zh, v.en) });
  });
export type SchemeDefinition = z.infer<typeof schemeDefinitionSchema>;
export type SchemeDefinitionInput = z.input<typeof schemeDefinitionSchema>;

interface Violation {
  path: (string | number)[];
  zh: string;
  en: string;
}

const near = (a: number, b: number) => Math.abs(a - b) < 1e-6;

/** The rules a scheme must satisfy beyond its shape (weights add up, codes unique, bands ordered…). */
export function schemeViolations(
  d: Omit<
    SchemeDefinition,
    'schedule' | 'rectification' | 'ranking' | 'missingScore' | 'scoringWindow' | 'appealWindow'
  >,
): Violation[] {
  const out: Violation[] = [];
  const sideCodes = new Set<string>();
  d.sides.forEach((s, i) => {
    if (sideCodes.has(s.code))
      out.push({ path: ['sides', i, 'code'], zh: `评价主体代码重复：${s.code}`, en: `Duplicate side code ${s.code}` });
    sideCodes.add(s.code);
    if (s.raters?.relation === 'fixed' && !s.raters.units)
      out.push({ path: ['sides', i, 'raters'], zh: '固定评分单位须给出 units', en: 'A fixed rater rule needs units' });
  });
  const sideTotal = d.sides.reduce((n, s) => n + s.weight, 0);
  if (!near(sideTotal, 1))
    out.push({
      path: ['sides'],
      zh: `各评价主体权重之和须为 1（现为 ${round2(sideTotal)}）`,
      en: `Side weights must add up to 1 (they add up to ${round2(sideTotal)})`,
    });
  const codes = new Set<string>();
  d.indicators.forEach((ind, i) => {
    if (codes.has(ind.code))
      out.push({
        path: ['indicators', i, 'code'],
        zh: `指标代码重复：${ind.code}`,
        en: `Duplicate indicator code ${ind.code}`,
      });
    codes.add(ind.code);
    const side = d.sides.find((s) => s.code === ind.side);
    if (!side)
      out.push({
        path: ['indicators', i, 'side'],
        zh: `指标“${ind.name}”所属评价主体不存在：${ind.side}`,
        en: `Indicator ${ind.code} names an unknown side ${ind.side}`,
      });
    else if (ind.formula.type === 'manual' && !side.raters)
      out.push({
        path: ['indicators', i, 'side'],
        zh: `人工评分指标“${ind.name}”所属评价主体未设置评分单位`,
        en: `Manual indicator ${ind.code} belongs to a side without raters`,
      });
    const f = ind.formula;
    if ((f.type === 'ratio' || f.type === 'linear') && near(f.zeroAt, f.fullAt))
      out.push({
        path: ['indicators', i, 'formula'],
        zh: `指标“${ind.name}”的零分点与满分点不能相同`,
        en: `Indicator ${ind.code}: zeroAt and fullAt must differ`,
      });
  });
  for (const s of d.sides) {
    const total = d.indicators.filter((i) => i.side === s.code).reduce((n, i) => n + i.weight, 0);
    if (!near(total, 100))
      out.push({
        path: ['indicators'],
        zh: `评价主体“${s.name}”的指标分值之和须为 100（现为 ${round2(total)}）`,
        en: `Indicator weights of side ${s.code} must add up to 100 (they add up to ${round2(total)})`,
      });
  }
  d.bands.forEach((b, i) => {
    const prev = d.bands[i - 1];
    if (prev && b.min >= prev.min)
      out.push({
        path: ['bands', i, 'min'],
        zh: '等次须从高到低排列，下限递减',
        en: 'Bands go from best to worst with decreasing minimums',
      });
  });
  if (d.bands.at(-1)?.min !== 0)
    out.push({ path: ['bands'], zh: '最低等次的下限须为 0', en: 'The lowest band must start at 0' });
  return out;
}

/** The manual indicators of a side. */
export function manualIndicators(d: Pick<SchemeDefinition, 'indicators'>, side?: string): Indicator[] {
  return d.indicators.filter((i) => i.formula.type === 'manual' && (side === undefined || i.side === side));
}

/** The metrics a scheme's automatic indicators read. */
export function metricsOf(d: Pick<SchemeDefinition, 'indicators'>): MetricKey[] {
  const keys = new Set<MetricKey>();
  for (const { formula: f } of d.indicators) {
    if (f.type === 'ratio') keys.add(f.numerator).add(f.denominator);
    else if (f.type === 'linear' || f.type === 'deduction') keys.add(f.metric);
  }
  return [...keys].sort();
}

// ── Periods ──────────────────────────────────────────────────────────────────────────────────────

/** A period of a cycle: `2026-10`, `2026-Q4` or `2026`, its bounds [start, end) in Asia/Shanghai and label. */
export interface PeriodInfo {
  key: string;
  period: AssessmentPeriod;
  start: string;
  end: string;
  label: string;
}

const PERIOD_PATTERN: Record<AssessmentPeriod, RegExp> = {
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};

function monthStart(year: number, month: number): string {
  const y = year + Math.floor((month - 1) / 12);
  const m = ((((month - 1) % 12) + 12) % 12) + 1;
  return shanghaiInstant(`${y}-${String(m).padStart(2, '0')}-01`).toISOString();
}

/** Parse a period key of the given kind; null when it is not one. */
export function periodInfo(period: AssessmentPeriod, key: string): PeriodInfo | null {
  const m = PERIOD_PATTERN[period].exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  if (period === 'month') {
    const month = Number(m[2]);
    return {
      key,
      period,
      start: monthStart(year, month),
      end: monthStart(year, month + 1),
      label: `${year}年${month}月`,
    };
  }
  if (period === 'quarter') {
    const q = Number(m[2]);
    return {
      key,
      period,
      start: monthStart(year, 3 * q - 2),
      end: monthStart(year, 3 * q + 1),
      label: `${year}年第${q}季度`,
    };
  }
  return { key, period, start: monthStart(year, 1), end: monthStart(year + 1, 1), label: `${year}年度` };
}

/** The period that ended most recently before `now` (what a cycle opened by the schedule assesses). */
export function previousPeriod(period: AssessmentPeriod, now: number): PeriodInfo {
  const local = new Date(now + 8 * 3_600_000);
  const year = local.getUTCFullYear();
  const month = local.getUTCMonth() + 1;
  if (period === 'month') {
    const y = month === 1 ? year - 1 : year;
    const m = month === 1 ? 12 : month - 1;
    return periodInfo('month', `${y}-${String(m).padStart(2, '0')}`)!;
  }
  if (period === 'quarter') {
    const q = Math.ceil(month / 3);
    return q === 1 ? periodInfo('quarter', `${year - 1}-Q4`)! : periodInfo('quarter', `${year}-Q${q - 1}`)!;
  }
  return periodInfo('year', String(year - 1))!;
}

/** A period may be assessed only once it has ended. */
export function periodEnded(p: PeriodInfo, now: number): boolean {
  return Date.parse(p.end) <= now;
}

// ── Scoring ──────────────────────────────────────────────────────────────────────────────────────

/** Round to two decimals (the precision every published number has). */
export function round2(x: number): number {
  return Math.round((x + Number.EPSILON) * 100) / 100;
}

const clamp = (x: number) => Math.min(100, Math.max(0, x));
const pct = (x: number) => `${round2(x * 100).toFixed(2)}%`;
const fmt = (x: number) => round2(x).toFixed(2);
const metricName = (k: MetricKey) => METRICS[k].zh;

/** A score in [0, 100] mapped linearly: `zeroAt` → 0, `fullAt` → 100, clamped. */
export function linearScore(value: number, zeroAt: number, fullAt: number): number {
  return clamp(((value - zeroAt) / (fullAt - zeroAt)) * 100);
}

/** One rater unit's score of one manual indicator for one ratee. */
export interface ManualScore {
  raterUnitId: string;
  score: number;
  by: string;
  at: string;
  comment?: string | null;
}

/** The outcome of scoring one indicator: the 0–100 score, the inputs and the sentence explaining it. */
export interface IndicatorScore {
  score: number;
  inputs: Record<string, number>;
  explanation: string;
}

/** Score an automatic indicator from the ratee's measured values (a missing value counts as 0). */
export function scoreAutomatic(formula: Exclude<Formula, { type: 'manual' }>, values: MetricValues): IndicatorScore {
  const v = (k: MetricKey) => values[k] ?? 0;
  switch (formula.type) {
    case 'ratio': {
      const n = v(formula.numerator);
      const d = v(formula.denominator);
      const inputs = { [formula.numerator]: n, [formula.denominator]: d };
      if (d === 0)
        return {
          score: formula.whenEmpty,
          inputs,
          explanation: `${metricName(formula.denominator)}为 0，按规则记 ${fmt(formula.whenEmpty)} 分`,
        };
      const rate = n / d;
      const mapped = formula.zeroAt === 0 && formula.fullAt === 1;
      const score = round2(linearScore(rate, formula.zeroAt, formula.fullAt));
      const tail = mapped
        ? `得分 ${fmt(score)}`
        : `按 ${pct(formula.zeroAt)} 记 0 分、${pct(formula.fullAt)} 记满分折算，得分 ${fmt(score)}`;
      return {
        score,
        inputs,
        explanation: `${metricName(formula.numerator)} ${n} ÷ ${metricName(formula.denominator)} ${d} = ${pct(rate)}，${tail}`,
      };
    }
    case 'linear': {
      const x = v(formula.metric);
      const score = round2(linearScore(x, formula.zeroAt, formula.fullAt));
      return {
        score,
        inputs: { [formula.metric]: x },
        explanation: `${metricName(formula.metric)} ${x}，按 ${formula.zeroAt} 记 0 分、${formula.fullAt} 记满分折算，得分 ${fmt(score)}`,
      };
    }
    case 'deduction': {
      const x = v(formula.metric);
      const score = round2(Math.max(formula.floor, 100 - formula.perEvent * x));
      const floorNote = 100 - formula.perEvent * x < formula.floor ? `（不低于 ${fmt(formula.floor)} 分）` : '';
      return {
        score,
        inputs: { [formula.metric]: x },
        explanation: `${metricName(formula.metric)} ${x} 次，每次扣 ${fmt(formula.perEvent)} 分：100 − ${fmt(formula.perEvent)} × ${x} = ${fmt(score)}${floorNote}`,
      };
    }
  }
}

/** Manual scoring of one indicator for one ratee: the rater units expected and the scores given. */
export interface ManualInput {
  max: number;
  expected: string[];
  given: ManualScore[];
  rule: MissingScoreRule;
}

export interface ManualOutcome extends IndicatorScore {
  scores: (ManualScore & { substituted: boolean })[];
  missing: string[];
}

/**
 * Score a manual indicator: each expected rater unit's score out of `max` (a missing one replaced
 * by the scheme's rule), averaged and scaled to 100.
 */
export function scoreManual(input: ManualInput): ManualOutcome {
  const given = input.given.filter((s) => input.expected.includes(s.raterUnitId));
  const missing = input.expected.filter((u) => !given.some((s) => s.raterUnitId === u));
  const avgGiven = given.length ? given.reduce((n, s) => n + s.score, 0) / given.length : 0;
  const substitute = input.rule === 'full' ? input.max : input.rule === 'zero' ? 0 : avgGiven;
  const scores = [
    ...given.map((s) => ({ ...s, substituted: false })),
    ...missing.map((raterUnitId) => ({
      raterUnitId,
      score: round2(substitute),
      by: 'system',
      at: '',
      substituted: true,
    })),
  ];
  if (scores.length === 0) return { score: 0, inputs: {}, explanation: '无评分单位，记 0 分', scores, missing };
  const avg = scores.reduce((n, s) => n + s.score, 0) / scores.length;
  const score = round2(clamp((avg / input.max) * 100));
  const parts = scores.map(
    (s) =>
      `${s.raterUnitId} ${fmt(s.score)}${s.substituted ? '（未评分，' + MISSING_RULE_LABEL[input.rule] + '）' : ''}`,
  );
  const scale = input.max === 100 ? '' : `，折合百分制 ${fmt(score)}`;
  return {
    score,
    inputs: { raters: scores.length, missing: missing.length },
    explanation: `${scores.length} 个评分单位平均 ${fmt(avg)} 分（满分 ${fmt(input.max)}）${scale}：${parts.join('；')}`,
    scores,
    missing,
  };
}

/** An assessor's adjustment of an indicator's 0–100 score after an appeal, with the reason. */
export interface ScoreOverride {
  indicatorCode: string;
  score: number;
  reason: string;
  appealId: string;
  by: string;
  at: string;
}

export interface IndicatorLine {
  code: string;
  name: string;
  side: string;
  kind: 'automatic' | 'manual';
  weight: number;
  score: number;
  contribution: number;
  inputs: Record<string, number>;
  explanation: string;
  manual?: { scores: (ManualScore & { substituted: boolean })[]; missing: string[] };
  override?: ScoreOverride & { original: number };
}

export interface SideLine {
  code: string;
  name: string;
  weight: number;
  score: number;
  weighted: number;
}

/** One ratee's result with everything needed to explain it. */
export interface RateeResult {
  rateeKey: string;
  total: number;
  grade: string;
  gradeLabel: string;
  rectify: boolean;
  outcome: string | null;
  payGrade: string | null;
  rank: number;
  sides: SideLine[];
  indicators: IndicatorLine[];
  explanation: string;
}

/** What the computation needs of one ratee. */
export interface RateeInput {
  key: string;
  /** Rater units per side code (sides with manual indicators). */
  raters: Record<string, string[]>;
  metrics: MetricValues;
  /** Manual scores by indicator code. */
  scores: Record<string, ManualScore[]>;
  overrides: ScoreOverride[];
}

/** The band a total falls in (bands best first; the last starts at 0). */
export function gradeOf(bands: readonly Band[], total: number): Band {
  return bands.find((b) => total >= b.min) ?? bands[bands.length - 1]!;
}

/** Score one ratee on every indicator, weigh the sides and grade it (rank is set by {@link rankResults}). */
export function scoreRatee(def: SchemeDefinition, ratee: RateeInput): RateeResult {
  const indicators: IndicatorLine[] = def.indicators.map((ind) => {
    const base = { code: ind.code, name: ind.name, side: ind.side, weight: ind.weight };
    let line: Omit<IndicatorLine, 'contribution'>;
    if (ind.formula.type === 'manual') {
      const m = scoreManual({
        max: ind.formula.max,
        expected: ratee.raters[ind.side] ?? [],
        given: ratee.scores[ind.code] ?? [],
        rule: def.missingScore,
      });
      line = {
        ...base,
        kind: 'manual',
        score: m.score,
        inputs: m.inputs,
        explanation: m.explanation,
        manual: { scores: m.scores, missing: m.missing },
      };
    } else {
      const a = scoreAutomatic(ind.formula, ratee.metrics);
      line = { ...base, kind: 'automatic', score: a.score, inputs: a.inputs, explanation: a.explanation };
    }
    const override = [...ratee.overrides].reverse().find((o) => o.indicatorCode === ind.code);
    if (override) {
      line = {
        ...line,
        score: round2(clamp(override.score)),
        override: { ...override, original: line.score },
        explanation: `${line.explanation}；申诉复核调整为 ${fmt(override.score)}（${override.reason}）`,
      };
    }
    return { ...line, contribution: round2((line.weight * line.score) / 100) };
  });
  const sides: SideLine[] = def.sides.map((s) => {
    const score = round2(indicators.filter((i) => i.side === s.code).reduce((n, i) => n + i.contribution, 0));
    return { code: s.code, name: s.name, weight: s.weight, score, weighted: round2(score * s.weight) };
  });
  const total = round2(sides.reduce((n, s) => n + s.weighted, 0));
  const band = gradeOf(def.bands, total);
  const explanation =
    sides.length === 1
      ? `总分 = 各指标得分 × 分值 ÷ 100 之和 = ${fmt(total)}，等次：${band.label}`
      : `总分 = ${sides.map((s) => `${s.name} ${fmt(s.score)} × ${s.weight}`).join(' + ')} = ${fmt(total)}，等次：${band.label}`;
  return {
    rateeKey: ratee.key,
    total,
    grade: band.code,
    gradeLabel: band.label,
    rectify: band.rectify,
    outcome: band.outcome ?? null,
    payGrade: band.payGrade ?? null,
    rank: 0,
    sides,
    indicators,
    explanation,
  };
}

/** Rank by total, highest first; equal totals share a rank (1, 2, 2, 4). Order among equals is by key. */
export function rankResults<T extends { rateeKey: string; total: number; rank: number }>(results: readonly T[]): T[] {
  const sorted = [...results].sort((a, b) => b.total - a.total || a.rateeKey.localeCompare(b.rateeKey));
  let rank = 0;
  return sorted.map((r, i) => {
    if (i === 0 || sorted[i - 1]!.total !== r.total) rank = i + 1;
    return { ...r, rank };
  });
}

/** Score and rank every ratee. */
export function computeResults(def: SchemeDefinition, ratees: readonly RateeInput[]): RateeResult[] {
  return rankResults(ratees.map((r) => scoreRatee(def, r)));
}

/** The top and bottom lists (先进 / 后进) of a ranking. */
export function topAndBottom<T extends { rateeKey: string; rank: number }>(
  ranked: readonly T[],
  ranking: { top: number; bottom: number },
): { top: T[]; bottom: T[] } {
  const top = ranked.slice(0, ranking.top);
  const bottom =
    ranked.length > ranking.top ? ranked.slice(Math.max(ranking.top, ranked.length - ranking.bottom)).reverse() : [];
  return { top, bottom };
}

/** A human-readable line describing a formula (for exports and the scheme page). */
export function describeFormula(f: Formula): string {
  switch (f.type) {
    case 'ratio':
      return `${metricName(f.numerator)} ÷ ${metricName(f.denominator)}，${pct(f.zeroAt)} 记 0 分、${pct(f.fullAt)} 记满分${f.whenEmpty !== 100 ? `，无数据记 ${fmt(f.whenEmpty)} 分` : ''}`;
    case 'linear':
      return `${metricName(f.metric)}：${f.zeroAt} 记 0 分、${f.fullAt} 记满分`;
    case 'deduction':
      return `${metricName(f.metric)}每次扣 ${fmt(f.perEvent)} 分，最低 ${fmt(f.floor)} 分`;
    case 'manual':
      return `人工评分（满分 ${fmt(f.max)}）`;
  }
}
