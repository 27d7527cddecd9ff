import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CATALOGUE_TEMPLATES } from '../../db/seed/catalogue';
import {
  matterDefinitionSchema,
  matterRuleViolations,
  matterShapeSchema,
  type MatterDefinition,
  type stepSchema,
} from '../../domain/catalogue';

type Input = z.input<typeof matterShapeSchema>;

const step = (key: string, extra: Partial<z.input<typeof stepSchema>> = {}) => ({
  key,
  name: `环节${key}`,
  role: 'approver' as const,
  unitRule: { kind: 'units' as const, unitIds: ['lk.dept.scjg'] },
  ...extra,
});

const base: Input = {
  code: 'XK-TEST',
  name: '测试许可',
  category: 'permit',
  handlingLevel: 'county',
  legalBasis: '《测试条例》',
  materials: [
    { key: 'id', name: '身份证', form: 'copy', isKey: true },
    { key: 'photo', name: '照片', form: 'original', isKey: false },
  ],
  statutoryLimitDays: 20,
  promisedLimitDays: 10,
  kind: 'promise',
  channels: ['window'],
  steps: [step('a'), step('b')],
};

const codes = (m: Input) => matterRuleViolations(matterShapeSchema.parse(m)).map((v) => v.code);

describe('会签 among people (signers)', () => {
  const township = { kind: 'submitting-township' as const };
  it('accepts a panel of named users or roles in one unit, and a role panel of the submitting township', () => {
    expect(
      codes({
        ...base,
        steps: [step('a', { mode: 'all', signers: [{ userId: 'u.a' }, { userId: 'u.b' }, { role: 'handler' }] })],
      }),
    ).toEqual([]);
    expect(
      codes({
        ...base,
        steps: [
          step('a', { mode: 'all', unitRule: township, signers: [{ role: 'approver' }, { role: 'supervisor' }] }),
        ],
      }),
    ).toEqual([]);
  });

  it('refuses a panel on a non-会签 step, across units, of one member, twice the same, or naming the submitting township’s staff', () => {
    expect(
      codes({
        ...base,
        steps: [
          step('a', {
            mode: 'any',
            unitRule: { kind: 'units', unitIds: ['x', 'y'] },
            signers: [{ role: 'approver' }, { role: 'handler' }],
          }),
        ],
      }),
    ).toEqual(['signers-not-joint']);
    expect(
      codes({
        ...base,
        steps: [
          step('a', {
            mode: 'all',
            unitRule: { kind: 'units', unitIds: ['x', 'y'] },
            signers: [{ role: 'approver' }, { role: 'handler' }],
          }),
        ],
      }),
    ).toEqual(['signers-one-unit']);
    expect(codes({ ...base, steps: [step('a', { mode: 'all', signers: [{ role: 'approver' }] })] })).toEqual([
      'signers-too-few',
    ]);
    expect(
      codes({ ...base, steps: [step('a', { mode: 'all', signers: [{ userId: 'u.a' }, { userId: 'u.a' }] })] }),
    ).toEqual(['signers-duplicate']);
    expect(
      codes({
        ...base,
        steps: [step('a', { mode: 'all', unitRule: township, signers: [{ userId: 'u.a' }, { role: 'approver' }] })],
      }),
    ).toEqual(['signers-named-in-township']);
  });
});

describe('matterRuleViolations', () => {
  it('accepts a well-formed matter, and fills the defaults', () => {
    const parsed = matterDefinitionSchema.parse(base);
    expect(matterRuleViolations(parsed)).toEqual([]);
    expect(parsed).toMatchObject({
      fees: '不收费',
      supplementDays: 5,
      steps: [{ mode: 'single' }, { mode: 'single' }],
      materials: [{ count: 1 }, { count: 1 }],
    });
  });

  it.each<[string, Partial<Input>, string[]]>([
    ['one step', { steps: [step('a')] }, []],
    ['four steps (the limit)', { steps: ['a', 'b', 'c', 'd'].map((k) => step(k)) }, []],
    ['five steps', { steps: ['a', 'b', 'c', 'd', 'e'].map((k) => step(k)) }, ['too-many-steps']],
    ['promised = statutory', { promisedLimitDays: 20 }, []],
    ['promised above statutory', { promisedLimitDays: 21 }, ['promise-above-statutory']],
    ['a promise matter promising 0 days', { promisedLimitDays: 0 }, ['promise-without-limit']],
    ['an instant matter promising 0 days', { kind: 'instant', promisedLimitDays: 0 }, []],
    ['duplicate step keys', { steps: [step('a'), step('a')] }, ['duplicate-step']],
    [
      'duplicate material keys',
      {
        materials: [
          { key: 'id', name: '身份证', form: 'copy', isKey: true },
          { key: 'id', name: '户口簿', form: 'copy', isKey: true },
        ],
      },
      ['duplicate-material'],
    ],
    ['step limit = promise', { steps: [step('a', { limitDays: 10 })] }, []],
    ['step limit above promise', { steps: [step('a', { limitDays: 11 })] }, ['step-limit-above-promise']],
    [
      'several at once',
      { promisedLimitDays: 30, steps: ['a', 'b', 'c', 'd', 'e'].map((k) => step(k)) },
      ['too-many-steps', 'promise-above-statutory'],
    ],
  ])('%s', (_name, change, expected) => {
    expect(codes({ ...base, ...change })).toEqual(expected);
    expect(matterDefinitionSchema.safeParse({ ...base, ...change }).success).toBe(expected.length === 0);
  });

  it('says why in Chinese and English', () => {
    const [tooMany] = matterRuleViolations(
      matterShapeSchema.parse({ ...base, steps: ['a', 'b', 'c', 'd', 'e'].map((k) => step(k)) }),
    );
    expect(tooMany).toEqual({
      code: 'too-many-steps',
      path: ['steps'],
      zh: '审批环节最多 4 个，当前定义了 5 个',
      en: 'An approval chain has at most 4 steps; this one has 5',
    });
    const [above] = matterRuleViolations(matterShapeSchema.parse({ ...base, promisedLimitDays: 25 }));
    expect(above?.zh).toBe('承诺时限（25 个工作日）不能超过法定时限（20 个工作日）');
  });
});

describe('matter shape', () => {
  it.each<[string, Partial<Input>]>([
    ['no steps', { steps: [] }],
    ['a lowercase code', { code: 'xk-test' }],
    ['no channel', { channels: [] }],
    ['an unknown role', { steps: [step('a', { role: 'grid_worker' as never })] }],
    [
      '会签 at the submitting township',
      { steps: [step('a', { mode: 'all', unitRule: { kind: 'submitting-township' } })] },
    ],
    [
      'a single-sign step with two units',
      { steps: [step('a', { unitRule: { kind: 'units', unitIds: ['lk.bb', 'lk.office'] } })] },
    ],
    ['a fractional statutory limit', { statutoryLimitDays: 2.5 }],
  ])('refuses %s', (_name, change) => {
    expect(matterShapeSchema.safeParse({ ...base, ...change }).success).toBe(false);
  });

  it('accepts 会签 and 或签 across listed units', () => {
    for (const mode of ['all', 'any'] as const) {
      expect(
        matterShapeSchema.safeParse({
          ...base,
          steps: [step('a', { mode, unitRule: { kind: 'units', unitIds: ['lk.bb', 'lk.office'] } })],
        }).success,
      ).toBe(true);
    }
  });
});

describe('shipped templates', () => {
  const byCode = new Map(CATALOGUE_TEMPLATES.map((t) => [t.code, t]));
  const template = (code: string): MatterDefinition => {
    const t = byCode.get(code);
    if (!t) throw new Error(`no template ${code}`);
    return t;
  };
  const fixedUnits = (t: MatterDefinition) =>
    t.steps.map((s) => (s.unitRule.kind === 'units' ? s.unitRule.unitIds.join('+') : 'submitting-township'));

  it('all satisfy every catalogue rule', () => {
    expect(CATALOGUE_TEMPLATES.length).toBeGreaterThanOrEqual(5);
    for (const t of CATALOGUE_TEMPLATES) {
      expect(matterDefinitionSchema.safeParse(t).success, t.code).toBe(true);
      expect(matterRuleViolations(t), t.code).toEqual([]);
    }
  });

  it('include the five required matters', () => {
    expect([...byCode.keys()]).toEqual(
      expect.arrayContaining([
        'XK-SMALL-CATERING',
        'JB-ELDER-CARD',
        'GG-TEMP-RELIEF',
        'ZZ-DUTY-ADMISSION',
        'ZF-MAJOR-DECISION',
      ]),
    );
  });

  it('ship a typical 4-step permit with key and non-key materials and step limits', () => {
    const t = template('XK-SMALL-CATERING');
    expect(t).toMatchObject({ category: 'permit', kind: 'promise', statutoryLimitDays: 20, promisedLimitDays: 10 });
    expect(t.steps.map((s) => s.name)).toEqual(['受理审查', '现场核查', '审核', '审批决定']);
    expect(new Set(t.materials.map((m) => m.isKey))).toEqual(new Set([true, false]));
    expect(t.steps.every((s) => s.limitDays !== undefined)).toBe(true);
  });

  it('ship a 即办件 concluded at the submitting township', () => {
    const t = template('JB-ELDER-CARD');
    expect(t).toMatchObject({ kind: 'instant', promisedLimitDays: 0 });
    expect(t.steps).toEqual([
      expect.objectContaining({ role: 'window_staff', unitRule: { kind: 'submitting-township' }, mode: 'single' }),
    ]);
  });

  it('ship a 3-step public service ending at the civil affairs bureau', () => {
    const t = template('GG-TEMP-RELIEF');
    expect(t.category).toBe('public_service');
    expect(fixedUnits(t)).toEqual(['submitting-township', 'submitting-township', 'lk.dept.mzj']);
  });

  it('ship duty admission as exactly department → county 编办 → city 编办 → county approval', () => {
    const t = template('ZZ-DUTY-ADMISSION');
    expect(fixedUnits(t)).toEqual(['lk.dept.zj', 'lk.bb', 'lk.sbb', 'lk.office']);
    expect(t.legalBasis).toContain('县级职能部门提出书面申请');
  });

  it('ship the major enforcement decision with a legal review by the justice bureau', () => {
    const t = template('ZF-MAJOR-DECISION');
    expect(t.steps.map((s) => s.name)).toEqual(['立案', '调查取证', '法制审核', '集体讨论决定']);
    expect(t.steps[2]).toMatchObject({
      key: 'legal-review',
      role: 'approver',
      unitRule: { kind: 'units', unitIds: ['lk.dept.sfj'] },
    });
  });

  it('use 会签 and 或签 somewhere', () => {
    const modes = CATALOGUE_TEMPLATES.flatMap((t) => t.steps.map((s) => s.mode));
    expect(modes).toContain('all');
    expect(modes).toContain('any');
  });
});
