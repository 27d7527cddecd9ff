import { z } from 'zod';
import { bilingual } from './bilingual';

/**
 * The matter catalogue (事项清单 / 办事指南) as pure data and rules (DOMAIN §4). The drizzle tables
 * store a matter's versions as this JSON; the approval workflow receives the version it started with.
 */

/** "所有项目审批环节最多不超过4个": a chain has 1 to 4 steps, never more. */
export const MAX_STEPS = 4;

export const MATTER_CATEGORIES = ['permit', 'public_service', 'confirmation', 'penalty', 'other'] as const;
export const MATTER_CATEGORY_LABEL: Record<(typeof MATTER_CATEGORIES)[number], string> = {
  permit: '行政许可',
  public_service: '公共服务',
  confirmation: '行政确认',
  penalty: '行政处罚',
  other: '其他',
};

/** 即办件 (concluded on the spot) or 承诺件 (concluded within the promised limit). */
export const MATTER_KINDS = ['instant', 'promise'] as const;
export const MATTER_KIND_LABEL: Record<(typeof MATTER_KINDS)[number], string> = {
  instant: '即办件',
  promise: '承诺件',
};
export const CHANNELS = ['window', 'agent', 'online'] as const;
export const HANDLING_LEVELS = ['county', 'township', 'village'] as const;

/**
 * single 单人审批; all 会签 (every unit signs, or — with `signers` — every listed person or role in
 * the step's one unit, e.g. a review panel); any 或签 (the first unit to sign decides).
 */
export const STEP_MODES = ['single', 'all', 'any'] as const;
export const STEP_MODE_LABEL: Record<(typeof STEP_MODES)[number], string> = {
  single: '单人审批',
  all: '会签',
  any: '或签',
};

/** Roles that may hold an approval step. */
export const STEP_ROLES = ['approver', 'window_staff', 'handler', 'supervisor'] as const;
export const STEP_ROLE_LABEL: Record<(typeof STEP_ROLES)[number], string> = {
  approver: '审核/审批人',
  window_staff: '窗口人员',
  handler: '处置人',
  supervisor: '督查员',
};

/**
 * Which unit(s) hold a step: fixed units (e.g. the county 编办), or the township/street where the
 * application was submitted (resolved at submission).
 */
export const unitRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('units'), unitIds: z.array(z.string().min(1)).min(1).max(10) }),
  z.strictObject({ kind: z.literal('submitting-township') }),
]);
export type UnitRule = z.infer<typeof unitRuleSchema>;

/** A member of a 会签 panel within one unit: a named user, or whoever holds a role there. */
export const signerSchema = z.union([
  z.strictObject({ userId: z.string().trim().min(1).max(100) }),
  z.strictObject({ role: z.enum(STEP_ROLES) }),
]);
export type Signer = z.infer<typeof signerSchema>;

/** How many people or roles a 会签 panel may list. */
export const MAX_SIGNERS = 10;

/** The key of a panel member in signatures and assignments: `user:<id>` or `role:<role>`. */
export const signerKey = (s: Signer): string => ('userId' in s ? `user:${s.userId}` : `role:${s.role}`);

export const stepSchema = z
  .strictObject({
    key: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
    name: z.string().trim().min(1).max(100),
    role: z.enum(STEP_ROLES),
    unitRule: unitRuleSchema,
    mode: z.enum(STEP_MODES).default('single'),
    /** Optional step limit in working days, inside the whole-case promised limit. */
    limitDays: z.number().positive().max(365).optional(),
    /**
     * 会签 among people: every one of these (named users, or roles — someone holding each) in the
     * step's one unit signs. Without it a 会签 step counts units.
     */
    signers: z.array(signerSchema).max(MAX_SIGNERS).optional(),
  })
  .refine((s) => s.mode === 'single' || s.unitRule.kind === 'units' || s.signers !== undefined, {
    message: bilingual('会签/或签环节须列明参与单位', 'an all-of-N or any-of-N step must list its units'),
    path: ['unitRule'],
  })
  .refine((s) => s.mode !== 'single' || s.unitRule.kind !== 'units' || s.unitRule.unitIds.length === 1, {
    message: bilingual('单人审批环节只能指定一个单位', 'a single-sign step names exactly one unit'),
    path: ['unitRule'],
  });
export type Step = z.infer<typeof stepSchema>;

export const materialSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  name: z.string().trim().min(1).max(200),
  form: z.enum(['original', 'copy', 'electronic']),
  count: z.number().int().min(1).max(20).default(1),
  /** A key material (关键材料) may never be missing at acceptance; a non-key one allows 容缺受理. */
  isKey: z.boolean(),
});
export type Material = z.infer<typeof materialSchema>;

/**
 * The shape of a matter, without the domain rules: the API validates requests with it (400 on a
 * malformed body) and then applies {@link matterRuleViolations} (422 with the rule's reason).
 */
export const matterShapeSchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/),
  name: z.string().trim().min(1).max(200),
  category: z.enum(MATTER_CATEGORIES),
  handlingLevel: z.enum(HANDLING_LEVELS),
  legalBasis: z.string().trim().min(1).max(2000),
  materials: z.array(materialSchema).max(50),
  fees: z.string().trim().max(500).default('不收费'),
  /** 法定时限 in working days. */
  statutoryLimitDays: z.number().int().min(0).max(365),
  /** 承诺时限 in working days; never above the statutory limit. */
  promisedLimitDays: z.number().int().min(0).max(365),
  kind: z.enum(MATTER_KINDS),
  channels: z.array(z.enum(CHANNELS)).min(1),
  /** Working days the applicant has to supplement (补正) after a one-time notice, else the application lapses. */
  supplementDays: z.number().int().min(1).max(60).default(5),
  /** 1 to 4 steps: more is refused by {@link matterRuleViolations} (422, naming the rule), whatever the count. */
  steps: z.array(stepSchema).min(1),
  hotline: z.string().trim().max(50).optional(),
});

/** A matter that satisfies every catalogue rule (used for stored versions and workflow input). */
export const matterDefinitionSchema = matterShapeSchema.superRefine((m, ctx) => {
  for (const issue of matterRuleViolations(m))
    ctx.addIssue({ code: 'custom', path: issue.path, message: bilingual(issue.zh, issue.en) });
});
export type MatterDefinition = z.infer<typeof matterShapeSchema>;

export interface RuleViolation {
  code: string;
  path: (string | number)[];
  zh: string;
  en: string;
}

/**
 * The catalogue's domain rules, beyond field shapes. The API reports these as 422 (a rule refused,
 * not malformed input): at most four steps, promised ≤ statutory, unique keys, a 即办件 with a
 * zero-day promise, step limits inside the promised limit.
 */
export function matterRuleViolations(
  m: Pick<MatterDefinition, 'steps' | 'statutoryLimitDays' | 'promisedLimitDays' | 'kind' | 'materials'>,
): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (m.steps.length > MAX_STEPS) {
    out.push({
      code: 'too-many-steps',
      path: ['steps'],
      zh: `审批环节最多 ${MAX_STEPS} 个，当前定义了 ${m.steps.length} 个`,
      en: `An approval chain has at most ${MAX_STEPS} steps; this one has ${m.steps.length}`,
    });
  }
  if (m.promisedLimitDays > m.statutoryLimitDays) {
    out.push({
      code: 'promise-above-statutory',
      path: ['promisedLimitDays'],
      zh: `承诺时限（${m.promisedLimitDays} 个工作日）不能超过法定时限（${m.statutoryLimitDays} 个工作日）`,
      en: `The promised limit (${m.promisedLimitDays} working days) may not exceed the statutory limit (${m.statutoryLimitDays})`,
    });
  }
  if (m.kind === 'promise' && m.promisedLimitDays === 0) {
    out.push({
      code: 'promise-without-limit',
      path: ['promisedLimitDays'],
      zh: '承诺件须有大于 0 的承诺时限',
      en: 'A promise matter needs a promised limit above zero',
    });
  }
  const duplicates = (keys: string[]) => keys.filter((k, i) => keys.indexOf(k) !== i);
  for (const key of duplicates(m.steps.map((s) => s.key))) {
    out.push({ code: 'duplicate-step', path: ['steps'], zh: `环节标识重复：${key}`, en: `Duplicate step key: ${key}` });
  }
  for (const key of duplicates(m.materials.map((s) => s.key))) {
    out.push({
      code: 'duplicate-material',
      path: ['materials'],
      zh: `材料标识重复：${key}`,
      en: `Duplicate material key: ${key}`,
    });
  }
  m.steps.forEach((s, i) => out.push(...signerViolations(s, i)));
  m.steps.forEach((s, i) => {
    if (s.limitDays !== undefined && m.kind === 'promise' && s.limitDays > m.promisedLimitDays) {
      out.push({
        code: 'step-limit-above-promise',
        path: ['steps', i, 'limitDays'],
        zh: `环节“${s.name}”的时限（${s.limitDays} 个工作日）超过了承诺时限（${m.promisedLimitDays} 个工作日）`,
        en: `Step "${s.key}" limit (${s.limitDays}) exceeds the promised limit (${m.promisedLimitDays})`,
      });
    }
  });
  return out;
}

/**
 * The rules of a 会签 panel (`signers`): only on a 会签 step, within exactly one unit, at least two
 * members, none twice; named users only in a fixed unit (the submitting township's staff differ
 * per application).
 */
function signerViolations(s: Step, i: number): RuleViolation[] {
  if (s.signers === undefined) return [];
  const path = ['steps', i, 'signers'];
  const v = (code: string, zh: string, en: string): RuleViolation => ({
    code,
    path,
    zh: `环节“${s.name}”${zh}`,
    en: `Step "${s.key}": ${en}`,
  });
  if (s.mode !== 'all')
    return [v('signers-not-joint', '只有会签环节才能列明会签人员', 'only a 会签 (all) step lists signers')];
  const out: RuleViolation[] = [];
  if (s.unitRule.kind === 'units' && s.unitRule.unitIds.length !== 1) {
    out.push(
      v(
        'signers-one-unit',
        '按人员会签须在一个单位内（多单位会签请按单位列明）',
        'a panel of people signs within one unit (list units for a multi-unit 会签)',
      ),
    );
  }
  if (s.signers.length < 2) out.push(v('signers-too-few', '会签人员至少 2 名', 'a panel has at least 2 members'));
  const keys = s.signers.map(signerKey);
  const twice = keys.filter((k, j) => keys.indexOf(k) !== j);
  if (twice.length)
    out.push(v('signers-duplicate', `会签人员重复：${twice.join('、')}`, `signers listed twice: ${twice.join(', ')}`));
  if (s.unitRule.kind === 'submitting-township' && s.signers.some((g) => 'userId' in g)) {
    out.push(
      v(
        'signers-named-in-township',
        '由申请所在乡镇办理的环节只能按角色列明会签人员',
        'a step held by the submitting township lists signers by role, not by name',
      ),
    );
  }
  return out;
}

/** A member of a 会签 panel as resolved for one case: the role it signs with and, for a named user, who. */
export interface ResolvedSigner {
  key: string;
  role: string;
  userId?: string;
  displayName?: string;
}

/** A step with its units resolved for one case: who may sign it. */
export interface ResolvedStep extends Step {
  unitIds: string[];
  /** The panel of a 会签 among people (from `signers`), resolved at submission. */
  seats?: ResolvedSigner[];
}
