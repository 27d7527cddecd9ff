import { describe, expect, it } from 'vitest';
import {
  conditionFitsKind,
  totalDisputedMs,
  DEFAULT_SUMMONS_RULES,
  DEFAULT_SUMMONS_SETTINGS,
  evaluateWhistle,
  limitsFor,
  type SummonsRule,
  type WhistleFacts,
} from '../../domain/summons';

const rules: SummonsRule[] = DEFAULT_SUMMONS_RULES.map((r) => ({ ...r, active: true }));
const scjg = { unitId: 'lk.dept.scjg', departmentId: 'lk.dept.scjg' };
const sthj = { unitId: 'lk.dept.sthj', departmentId: 'lk.dept.sthj' };
const scjgs = { unitId: 'lk.t01.scjgs', departmentId: 'lk.dept.scjg' };

const facts = (over: Partial<WhistleFacts> = {}): WhistleFacts => ({
  reasonCode: 'multi-department',
  urgency: 'normal',
  units: [scjg, sthj],
  powerItemCodes: [],
  townshipPowerCodes: ['CF-001', 'JC-002'],
  withinCapacity: false,
  keyTask: null,
  routineDutyUnitIds: [],
  ...over,
});

const refusedBy = (f: WhistleFacts) => {
  const v = evaluateWhistle(rules, f);
  return v.ok ? null : v.violation.ruleCode;
};

describe('whistle rules', () => {
  it('allows each default reason when its requirement holds', () => {
    expect(evaluateWhistle(rules, facts())).toMatchObject({ ok: true, reason: { code: 'multi-department' } });
    expect(
      evaluateWhistle(rules, facts({ reasonCode: 'beyond-power', units: [scjg], powerItemCodes: ['XX-999'] })),
    ).toMatchObject({ ok: true });
    expect(
      evaluateWhistle(rules, facts({ reasonCode: 'emergency', urgency: 'critical', units: [scjg] })),
    ).toMatchObject({ ok: true });
    expect(
      evaluateWhistle(rules, facts({ reasonCode: 'key-task', keyTask: '黄河滩区迁建', units: [scjg] })),
    ).toMatchObject({ ok: true });
  });

  it('refuses a matter on the township power list that it can handle (own-power), naming the rule', () => {
    const v = evaluateWhistle(rules, facts({ powerItemCodes: ['CF-001'], withinCapacity: true }));
    expect(v).toMatchObject({ ok: false, violation: { code: 'whistle-refused-own-power', ruleCode: 'own-power' } });
    if (!v.ok) expect(v.violation.zh).toContain('属乡镇权责清单内且有能力处置');
    // On the list but beyond the township's capacity: a multi-department whistle is fine.
    expect(refusedBy(facts({ powerItemCodes: ['CF-001'], withinCapacity: false }))).toBeNull();
  });

  it("refuses one department's routine duty (single-department-routine), also through its dispatched agency, except in an emergency", () => {
    expect(
      refusedBy(
        facts({ reasonCode: 'key-task', keyTask: '重点', units: [scjg], routineDutyUnitIds: ['lk.dept.scjg'] }),
      ),
    ).toBe('single-department-routine');
    expect(
      refusedBy(
        facts({ reasonCode: 'key-task', keyTask: '重点', units: [scjgs], routineDutyUnitIds: ['lk.dept.scjg'] }),
      ),
    ).toBe('single-department-routine');
    expect(
      refusedBy(
        facts({ reasonCode: 'emergency', urgency: 'urgent', units: [scjg], routineDutyUnitIds: ['lk.dept.scjg'] }),
      ),
    ).toBeNull();
    // Two departments are not one department's routine duty.
    expect(refusedBy(facts({ units: [scjg, sthj], routineDutyUnitIds: ['lk.dept.scjg'] }))).toBeNull();
  });

  it("refuses a reason whose requirement fails, naming the reason's rule", () => {
    expect(refusedBy(facts({ units: [scjg] }))).toBe('multi-department');
    expect(refusedBy(facts({ reasonCode: 'beyond-power', units: [scjg], powerItemCodes: ['CF-001'] }))).toBe(
      'beyond-power',
    );
    expect(refusedBy(facts({ reasonCode: 'emergency', units: [scjg] }))).toBe('emergency');
    expect(refusedBy(facts({ reasonCode: 'key-task', units: [scjg] }))).toBe('key-task');
    expect(evaluateWhistle(rules, facts({ reasonCode: 'whim' }))).toMatchObject({
      ok: false,
      violation: { code: 'whistle-reason-unknown' },
    });
  });

  it('ignores inactive rules: a deactivated reason is no longer allowed, a deactivated prohibition no longer refuses', () => {
    const edited = rules.map((r) => (r.code === 'own-power' || r.code === 'emergency' ? { ...r, active: false } : r));
    expect(evaluateWhistle(edited, facts({ powerItemCodes: ['CF-001'], withinCapacity: true })).ok).toBe(true);
    expect(evaluateWhistle(edited, facts({ reasonCode: 'emergency', urgency: 'critical' }))).toMatchObject({
      ok: false,
      violation: { code: 'whistle-reason-unknown' },
    });
  });

  it('keeps allowed and forbidden conditions apart', () => {
    expect(conditionFitsKind('allowed', { type: 'min-units', min: 2 })).toBe(true);
    expect(conditionFitsKind('forbidden', { type: 'min-units', min: 2 })).toBe(false);
    expect(conditionFitsKind('forbidden', { type: 'own-power-within-capacity' })).toBe(true);
    expect(conditionFitsKind('allowed', { type: 'single-unit-routine-duty', exceptReasons: [] })).toBe(false);
  });

  it('freezes the DOMAIN defaults: 特急 30 min, 紧急 2 h, 一般 24 h; simple same day, complex 10 working days; red card at the second miss', () => {
    expect(limitsFor(DEFAULT_SUMMONS_SETTINGS, 'critical', 'simple')).toEqual({
      response: { unit: 'minute', amount: 30 },
      handling: { unit: 'same-workday' },
      redCardAtMiss: 2,
    });
    expect(limitsFor(DEFAULT_SUMMONS_SETTINGS, 'urgent', 'complex')).toEqual({
      response: { unit: 'hour', amount: 2 },
      handling: { unit: 'workday', amount: 10 },
      redCardAtMiss: 2,
    });
    expect(limitsFor(DEFAULT_SUMMONS_SETTINGS, 'normal', 'simple').response).toEqual({ unit: 'hour', amount: 24 });
  });

  it('counts ruled disputes by their duration and a pending one up to now', () => {
    const raisedAt = '2026-03-02T01:00:00.000Z';
    const now = Date.parse('2026-03-02T03:30:00.000Z');
    expect(totalDisputedMs([], now)).toBe(0);
    expect(totalDisputedMs([{ raisedAt, disputedMs: 60_000 }], now)).toBe(60_000);
    expect(
      totalDisputedMs(
        [
          { raisedAt, disputedMs: 60_000 },
          { raisedAt, disputedMs: null },
        ],
        now,
      ),
    ).toBe(60_000 + 2.5 * 3_600_000);
  });
});
