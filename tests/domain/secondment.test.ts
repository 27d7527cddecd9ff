import { describe, expect, it } from 'vitest';
import { DEFAULT_BANDS, type Band } from '../../domain/assessment';
import { barEndDate, barRefusal, secondmentEffectOf } from '../../domain/secondment';

describe('seconded staff rules', () => {
  it('a grade’s effect: the band’s own setting, else the best band converts, the lowest returns, the rest continue', () => {
    expect(DEFAULT_BANDS.map((b) => secondmentEffectOf(DEFAULT_BANDS, b.code))).toEqual([
      'convert',
      'continue',
      'continue',
      'return',
    ]);
    const bands: Band[] = [
      { code: 'excellent', label: '优秀', min: 90, rectify: false, secondment: 'continue' },
      { code: 'pass', label: '合格', min: 60, rectify: false },
      { code: 'fail', label: '不合格', min: 0, rectify: false, secondment: 'return' },
    ];
    expect(bands.map((b) => secondmentEffectOf(bands, b.code))).toEqual(['continue', 'continue', 'return']);
  });

  it('a bar ends one year after the decision, on the Asia/Shanghai date', () => {
    expect(barEndDate('2027-01-20T02:00:00Z')).toBe('2028-01-20');
    // 23:30 UTC on 31 December is already 1 January in Shanghai.
    expect(barEndDate('2026-12-31T23:30:00Z')).toBe('2028-01-01');
    // 29 February: a full year later is 1 March.
    expect(barEndDate('2028-02-29T04:00:00Z')).toBe('2029-03-01');
  });

  it('the refusal names the rule and the day the bar ends, in Chinese and English', () => {
    const r = barRefusal({ userId: 'u.lk.t02.v01.handler', name: '张三' }, '2028-01-20', 'KH-2027-000001');
    expect(r.code).toBe('secondment-barred');
    expect(r.zh).toContain('一年内不得再选派');
    expect(r.zh).toContain('2028-01-20');
    expect(r.en).toContain('barred until 2028-01-20');
  });
});
