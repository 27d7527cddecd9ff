import { describe, expect, it } from 'vitest';
import { DEMO_ASSESSMENT_SCHEMES } from '../../db/seed/assessment';
import {
  computeResults,
  gradeOf,
  DEFAULT_BANDS,
  linearScore,
  periodInfo,
  previousPeriod,
  rankResults,
  schemeDefinitionSchema,
  scoreAutomatic,
  scoreManual,
  scoreRatee,
  topAndBottom,
  type SchemeDefinitionInput,
} from '../../domain/assessment';

const base: SchemeDefinitionInput = {
  direction: 'county-to-township',
  period: 'month',
  ownerUnitId: 'lk',
  ratees: { type: 'units', units: { kinds: ['township'] } },
  sides: [{ code: 'county', name: '县级', weight: 1, raters: { relation: 'fixed', units: { kinds: ['department'] } } }],
  indicators: [
    {
      code: 'on-time',
      name: '按期办结率',
      side: 'county',
      weight: 60,
      formula: { type: 'ratio', numerator: 'incident.onTime', denominator: 'incident.resolved' },
    },
    {
      code: 'urging',
      name: '督办扣分',
      side: 'county',
      weight: 20,
      formula: { type: 'deduction', metric: 'notice.overdue', perEvent: 30, floor: 10 },
    },
    { code: 'work', name: '工作评价', side: 'county', weight: 20, formula: { type: 'manual' } },
  ],
};
const def = schemeDefinitionSchema.parse(base);

describe('scheme definitions', () => {
  it('applies the defaults: bands 90/80/60, 5 working days to score and to appeal', () => {
    expect(def.bands.map((b) => [b.label, b.min])).toEqual([
      ['优秀', 90],
      ['良好', 80],
      ['合格', 60],
      ['不合格', 0],
    ]);
    expect(def.appealWindow).toEqual({ unit: 'workday', amount: 5 });
    expect(def.scoringWindow).toEqual({ unit: 'workday', amount: 5 });
    expect(def.bands.at(-1)!.rectify).toBe(true);
  });

  it('refuses weights that do not add up, unknown sides, manual indicators without raters and unordered bands', () => {
    const bad = schemeDefinitionSchema.safeParse({
      ...base,
      sides: [{ code: 'county', name: '县级', weight: 0.9 }],
      indicators: [
        { ...base.indicators[0]!, weight: 50 },
        ...base.indicators.slice(1),
        { code: 'x', name: 'X', side: 'nope', weight: 10, formula: { type: 'manual' } },
      ],
      bands: [
        { code: 'a', label: 'A', min: 50 },
        { code: 'b', label: 'B', min: 60 },
      ],
    });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => i.message).join('\n');
    expect(messages).toContain('权重之和须为 1');
    expect(messages).toContain('所属评价主体不存在');
    expect(messages).toContain('未设置评分单位');
    expect(messages).toContain('指标分值之和须为 100');
    expect(messages).toContain('从高到低');
    expect(messages).toContain('最低等次的下限须为 0');
  });

  it('ships seed schemes that all validate, with the township holding ≥ 50 % of an agency’s result', () => {
    for (const s of DEMO_ASSESSMENT_SCHEMES)
      expect(schemeDefinitionSchema.safeParse(s.definition).success, s.code).toBe(true);
    const agency = DEMO_ASSESSMENT_SCHEMES.find(
      (s) => s.definition.ratees.type === 'units' && s.definition.ratees.units.kinds.includes('agency'),
    )!;
    expect(agency.definition.sides.find((s) => s.code === 'township')!.weight).toBeGreaterThanOrEqual(0.5);
  });
});

describe('formulas', () => {
  it('ratio: 18 of 20 on time is 90 points, and nothing to count scores whenEmpty', () => {
    expect(
      scoreAutomatic(
        {
          type: 'ratio',
          numerator: 'incident.onTime',
          denominator: 'incident.resolved',
          zeroAt: 0,
          fullAt: 1,
          whenEmpty: 100,
        },
        { 'incident.onTime': 18, 'incident.resolved': 20 },
      ),
    ).toMatchObject({
      score: 90,
      inputs: { 'incident.onTime': 18, 'incident.resolved': 20 },
    });
    expect(
      scoreAutomatic(
        {
          type: 'ratio',
          numerator: 'incident.onTime',
          denominator: 'incident.resolved',
          zeroAt: 0,
          fullAt: 1,
          whenEmpty: 80,
        },
        {},
      ).score,
    ).toBe(80);
  });

  it('ratio between bounds, and inverted (fewer escalations are better)', () => {
    const f = {
      type: 'ratio',
      numerator: 'incident.onTime',
      denominator: 'incident.resolved',
      zeroAt: 0.6,
      fullAt: 1,
      whenEmpty: 100,
    } as const;
    expect(scoreAutomatic(f, { 'incident.onTime': 8, 'incident.resolved': 10 }).score).toBe(50);
    expect(scoreAutomatic(f, { 'incident.onTime': 5, 'incident.resolved': 10 }).score).toBe(0);
    const inv = {
      type: 'ratio',
      numerator: 'incident.escalated',
      denominator: 'incident.total',
      zeroAt: 0.5,
      fullAt: 0,
      whenEmpty: 100,
    } as const;
    expect(scoreAutomatic(inv, { 'incident.escalated': 1, 'incident.total': 10 }).score).toBe(80);
    expect(linearScore(25, 0, 20)).toBe(100);
  });

  it('deduction per event with a floor, explained', () => {
    const f = { type: 'deduction', metric: 'notice.overdue', perEvent: 30, floor: 10 } as const;
    expect(scoreAutomatic(f, { 'notice.overdue': 2 })).toMatchObject({
      score: 40,
      explanation: expect.stringContaining('100 − 30.00 × 2 = 40.00'),
    });
    expect(scoreAutomatic(f, { 'notice.overdue': 4 })).toMatchObject({
      score: 10,
      explanation: expect.stringContaining('不低于 10.00 分'),
    });
  });

  it('manual: averages the rater units, a missing one by the scheme rule', () => {
    const given = [
      { raterUnitId: 'a', score: 80, by: 'u1', at: 't' },
      { raterUnitId: 'b', score: 90, by: 'u2', at: 't' },
    ];
    const avg = scoreManual({ max: 100, expected: ['a', 'b', 'c'], given, rule: 'average-of-others' });
    expect(avg.score).toBe(85);
    expect(avg.missing).toEqual(['c']);
    expect(avg.scores.find((s) => s.raterUnitId === 'c')).toMatchObject({ score: 85, substituted: true });
    expect(scoreManual({ max: 100, expected: ['a', 'b', 'c'], given, rule: 'zero' }).score).toBe(56.67);
    expect(
      scoreManual({ max: 10, expected: ['a'], given: [{ raterUnitId: 'a', score: 7, by: 'u', at: 't' }], rule: 'full' })
        .score,
    ).toBe(70);
    // A score from a unit that is not a rater of this ratee is ignored.
    expect(
      scoreManual({
        max: 100,
        expected: ['a'],
        given: [...given, { raterUnitId: 'z', score: 0, by: 'x', at: 't' }],
        rule: 'zero',
      }).score,
    ).toBe(80);
  });
});

describe('results', () => {
  const ratee = (key: string, onTime: number, overdue: number, work: number) => ({
    key,
    raters: { county: ['d1'] },
    metrics: { 'incident.onTime': onTime, 'incident.resolved': 10, 'notice.overdue': overdue },
    scores: { work: [{ raterUnitId: 'd1', score: work, by: 'u', at: 't' }] },
    overrides: [],
  });

  it('weighs every indicator and explains the total', () => {
    const r = scoreRatee(def, ratee('unit:a', 9, 1, 80));
    // 60 × 90% + 20 × 70% + 20 × 80% = 54 + 14 + 16
    expect(r.indicators.map((i) => [i.code, i.score, i.contribution])).toEqual([
      ['on-time', 90, 54],
      ['urging', 70, 14],
      ['work', 80, 16],
    ]);
    expect(r.total).toBe(84);
    expect(r.gradeLabel).toBe('良好');
    expect(r.explanation).toContain('84.00');
  });

  it('an appeal override replaces one indicator score and keeps the original for the record', () => {
    const r = scoreRatee(def, {
      ...ratee('unit:a', 9, 1, 80),
      overrides: [{ indicatorCode: 'urging', score: 100, reason: '督办系误发', appealId: 'A1', by: 'x', at: 't' }],
    });
    expect(r.total).toBe(90);
    expect(r.gradeLabel).toBe('优秀');
    expect(r.indicators[1]!.override).toMatchObject({ original: 70, score: 100 });
  });

  it('two sides are weighted: township 60 %, department 40 %', () => {
    const two = schemeDefinitionSchema.parse({
      ...base,
      sides: [
        { code: 't', name: '乡镇', weight: 0.6, raters: { relation: 'ratee-township' } },
        { code: 'd', name: '部门', weight: 0.4, raters: { relation: 'ratee-department' } },
      ],
      indicators: [
        { code: 'tw', name: '乡镇评价', side: 't', weight: 100, formula: { type: 'manual' } },
        { code: 'dw', name: '部门评价', side: 'd', weight: 100, formula: { type: 'manual' } },
      ],
    });
    const r = scoreRatee(two, {
      key: 'unit:x',
      raters: { t: ['t1'], d: ['d1'] },
      metrics: {},
      scores: {
        tw: [{ raterUnitId: 't1', score: 90, by: 'u', at: 't' }],
        dw: [{ raterUnitId: 'd1', score: 60, by: 'u', at: 't' }],
      },
      overrides: [],
    });
    expect(r.total).toBe(78);
    expect(r.explanation).toContain('乡镇 90.00 × 0.6 + 部门 60.00 × 0.4 = 78.00');
  });

  it('ranks with shared places and lists the top and bottom', () => {
    const ranked = rankResults([
      { rateeKey: 'a', total: 70, rank: 0 },
      { rateeKey: 'b', total: 90, rank: 0 },
      { rateeKey: 'c', total: 70, rank: 0 },
      { rateeKey: 'd', total: 50, rank: 0 },
    ]);
    expect(ranked.map((r) => [r.rateeKey, r.rank])).toEqual([
      ['b', 1],
      ['a', 2],
      ['c', 2],
      ['d', 4],
    ]);
    const { top, bottom } = topAndBottom(ranked, { top: 1, bottom: 2 });
    expect(top.map((r) => r.rateeKey)).toEqual(['b']);
    expect(bottom.map((r) => r.rateeKey)).toEqual(['d', 'c']);
    expect(
      computeResults(def, [ratee('unit:a', 10, 0, 100), ratee('unit:b', 5, 3, 0)]).map((r) => [
        r.rateeKey,
        r.rank,
        r.gradeLabel,
      ]),
    ).toEqual([
      ['unit:a', 1, '优秀'],
      ['unit:b', 2, '不合格'],
    ]);
  });

  it('grades on the band boundaries: 90 is 优秀, 89.99 良好, 59.99 不合格', () => {
    expect(gradeOf(DEFAULT_BANDS, 90).label).toBe('优秀');
    expect(gradeOf(DEFAULT_BANDS, 89.99).label).toBe('良好');
    expect(gradeOf(DEFAULT_BANDS, 60).label).toBe('合格');
    expect(gradeOf(DEFAULT_BANDS, 59.99).label).toBe('不合格');
  });
});

describe('periods (Asia/Shanghai)', () => {
  it('bounds of a month, a quarter and a year', () => {
    expect(periodInfo('month', '2026-10')).toEqual({
      key: '2026-10',
      period: 'month',
      start: '2026-09-30T16:00:00.000Z',
      end: '2026-10-31T16:00:00.000Z',
      label: '2026年10月',
    });
    expect(periodInfo('quarter', '2026-Q4')).toMatchObject({
      start: '2026-09-30T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
      label: '2026年第4季度',
    });
    expect(periodInfo('year', '2026')).toMatchObject({
      start: '2025-12-31T16:00:00.000Z',
      end: '2026-12-31T16:00:00.000Z',
    });
    expect(periodInfo('month', '2026-13')).toBeNull();
    expect(periodInfo('quarter', '2026-10')).toBeNull();
  });

  it('the period a schedule opens is the one that just ended, in Shanghai time', () => {
    // 2026-11-01 01:00 in Shanghai is still October 31 in UTC.
    const firstOfNovember = Date.parse('2026-11-01T01:00:00+08:00');
    expect(previousPeriod('month', firstOfNovember).key).toBe('2026-10');
    expect(previousPeriod('quarter', firstOfNovember).key).toBe('2026-Q3');
    expect(previousPeriod('year', firstOfNovember).key).toBe('2025');
    expect(previousPeriod('month', Date.parse('2027-01-01T01:00:00+08:00')).key).toBe('2026-12');
    expect(previousPeriod('quarter', Date.parse('2027-01-01T01:00:00+08:00')).key).toBe('2026-Q4');
  });
});
