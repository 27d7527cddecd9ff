import { z } from 'zod';
import { strictPositiveDurationSchema, type Duration } from './calendar';
import { incidentLimitSchema, type IncidentLimit } from './incident';

/*
 * "Whistle and report" summons (街乡吹哨、部门报到, DOMAIN §6): the whistle rules and the limits,
 * pure and shared by the API, the workflows and the seed.
 */

/** Urgency of a whistle (the incident urgencies): 一般, 紧急, 特急. */
export const SUMMONS_URGENCIES = ['normal', 'urgent', 'critical'] as const;
export type SummonsUrgency = (typeof SUMMONS_URGENCIES)[number];
export const URGENCY_LABEL: Record<SummonsUrgency, string> = { normal: '一般', urgent: '紧急', critical: '特急' };

/** Simple matters report the same working day; complex ones within the complex limit (≤ 10 working days). */
export const COMPLEXITIES = ['simple', 'complex'] as const;
export type Complexity = (typeof COMPLEXITIES)[number];
export const COMPLEXITY_LABEL: Record<Complexity, string> = { simple: '简单事项', complex: '复杂事项' };

/** The township's rating of a department's response. */
export const RATINGS = ['satisfied', 'basic', 'unsatisfied'] as const;
export type Rating = (typeof RATINGS)[number];
export const RATING_LABEL: Record<Rating, string> = { satisfied: '满意', basic: '基本满意', unsatisfied: '不满意' };

/**
 * What a rule checks, as data (an administrator edits it through the API):
 * - `min-units`: the whistle summons at least `min` departments or agencies (needs several departments);
 * - `outside-power-list`: none of the matter's power items is on the township's power list (enforcement beyond its powers);
 * - `urgency-in`: the whistle's urgency is one of `urgencies` (emergencies);
 * - `key-task`: the whistle names the key task (重点工作) it serves;
 * - `own-power-within-capacity` (forbidden): a power item of the matter is on the township's list and the township can handle it;
 * - `single-unit-routine-duty` (forbidden): one unit is summoned for a matter that is its routine duty (transfer instead), unless the reason is one of `exceptReasons`.
 */
export const summonsRuleConditionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('min-units'), min: z.number().int().min(1).max(50) }),
  z.strictObject({ type: z.literal('outside-power-list') }),
  z.strictObject({ type: z.literal('urgency-in'), urgencies: z.array(z.enum(SUMMONS_URGENCIES)).min(1) }),
  z.strictObject({ type: z.literal('key-task') }),
  z.strictObject({ type: z.literal('own-power-within-capacity') }),
  z.strictObject({
    type: z.literal('single-unit-routine-duty'),
    exceptReasons: z.array(z.string().min(1).max(40)).default([]),
  }),
]);
export type SummonsRuleCondition = z.infer<typeof summonsRuleConditionSchema>;

const ALLOWED_CONDITIONS: ReadonlySet<SummonsRuleCondition['type']> = new Set([
  'min-units',
  'outside-power-list',
  'urgency-in',
  'key-task',
]);

/** Whether a condition fits a rule kind: allowed reasons state a requirement, forbidden rules a situation. */
export function conditionFitsKind(kind: SummonsRuleKind, condition: SummonsRuleCondition): boolean {
  return ALLOWED_CONDITIONS.has(condition.type) === (kind === 'allowed');
}

export const SUMMONS_RULE_KINDS = ['allowed', 'forbidden'] as const;
export type SummonsRuleKind = (typeof SUMMONS_RULE_KINDS)[number];

export type SummonsRule = {
  code: string;
  kind: SummonsRuleKind;
  name: string;
  description: string;
  condition: SummonsRuleCondition;
  active: boolean;
  sort: number;
};

/** DOMAIN §6 defaults: four allowed reasons, two forbidden situations. */
export const DEFAULT_SUMMONS_RULES: readonly Omit<SummonsRule, 'active'>[] = [
  {
    code: 'multi-department',
    kind: 'allowed',
    name: '需多部门协同处置',
    description: '乡镇无法单独解决、需要多个部门协同的问题',
    condition: { type: 'min-units', min: 2 },
    sort: 1,
  },
  {
    code: 'beyond-power',
    kind: 'allowed',
    name: '超出乡镇执法权限',
    description: '需要执法而乡镇没有相应执法权（不在乡镇权责清单内）',
    condition: { type: 'outside-power-list' },
    sort: 2,
  },
  {
    code: 'emergency',
    kind: 'allowed',
    name: '突发紧急事件',
    description: '突发事件、紧急情况（紧急或特急）',
    condition: { type: 'urgency-in', urgencies: ['urgent', 'critical'] },
    sort: 3,
  },
  {
    code: 'key-task',
    kind: 'allowed',
    name: '重点工作',
    description: '县委县政府部署的重点工作，须写明具体任务',
    condition: { type: 'key-task' },
    sort: 4,
  },
  {
    code: 'own-power',
    kind: 'forbidden',
    name: '属乡镇权责清单内且有能力处置',
    description: '事项在乡镇权责清单内、乡镇有能力处置的，应自行处置，不得吹哨',
    condition: { type: 'own-power-within-capacity' },
    sort: 10,
  },
  {
    code: 'single-department-routine',
    kind: 'forbidden',
    name: '明显属单一部门日常职责',
    description: '明显属于某一部门日常职责的，应移送该部门办理，不得吹哨（突发紧急事件除外）',
    condition: { type: 'single-unit-routine-duty', exceptReasons: ['emergency'] },
    sort: 11,
  },
];

/** The summoned unit as the rules see it: an agency counts for its owning department too. */
export interface SummonedUnit {
  unitId: string;
  departmentId: string;
}

/** Everything the rules look at, resolved by the API from the request and the configuration. */
export interface WhistleFacts {
  reasonCode: string;
  urgency: SummonsUrgency;
  units: readonly SummonedUnit[];
  /** Power-list codes the dispatcher says the matter falls under. */
  powerItemCodes: readonly string[];
  /** Codes on the township's active power list. */
  townshipPowerCodes: readonly string[];
  /** The township says it can handle the matter with its own forces. */
  withinCapacity: boolean;
  keyTask: string | null;
  /** Units whose routine duty the matter's category is (the routing table's department and agency). */
  routineDutyUnitIds: readonly string[];
}

/** A refusal that names the rule. */
export interface WhistleViolation {
  code: string;
  ruleCode: string;
  zh: string;
  en: string;
}

const refusal = (rule: Pick<SummonsRule, 'code' | 'name'>, zh: string, en: string): WhistleViolation => ({
  code: `whistle-refused-${rule.code}`,
  ruleCode: rule.code,
  zh: `不得吹哨（规则：${rule.name}）：${zh}`,
  en: `Whistle refused by rule ${rule.code}: ${en}`,
});

/** Whether a forbidden situation applies to a whistle; returns the refusal when it does. */
function forbidden(rule: SummonsRule, f: WhistleFacts): WhistleViolation | null {
  const c = rule.condition;
  if (c.type === 'own-power-within-capacity') {
    const held = f.powerItemCodes.filter((code) => f.townshipPowerCodes.includes(code));
    if (held.length > 0 && f.withinCapacity) {
      return refusal(
        rule,
        `事项属乡镇权责清单（${held.join('、')}），且乡镇有能力处置，应自行处置`,
        `the matter is on the township's power list (${held.join(', ')}) and within its capacity: handle it yourself`,
      );
    }
  }
  if (c.type === 'single-unit-routine-duty' && f.units.length === 1 && !c.exceptReasons.includes(f.reasonCode)) {
    const [u] = f.units;
    if (u && (f.routineDutyUnitIds.includes(u.unitId) || f.routineDutyUnitIds.includes(u.departmentId))) {
      return refusal(
        rule,
        `事项明显属 ${u.unitId} 的日常职责，应移送该单位办理`,
        `the matter is clearly ${u.unitId}'s routine duty: transfer it instead`,
      );
    }
  }
  return null;
}

/** Whether a whistle meets the requirement of its allowed reason; returns the refusal when it does not. */
function unmet(rule: SummonsRule, f: WhistleFacts): WhistleViolation | null {
  const c = rule.condition;
  switch (c.type) {
    case 'min-units':
      return f.units.length >= c.min
        ? null
        : refusal(rule, `须召集至少 ${c.min} 个部门或派驻机构`, `summon at least ${c.min} departments or agencies`);
    case 'outside-power-list': {
      const held = f.powerItemCodes.filter((code) => f.townshipPowerCodes.includes(code));
      return held.length === 0
        ? null
        : refusal(
            rule,
            `所涉权力（${held.join('、')}）在乡镇权责清单内，不属超出权限`,
            `the powers involved (${held.join(', ')}) are on the township's list`,
          );
    }
    case 'urgency-in':
      return c.urgencies.includes(f.urgency)
        ? null
        : refusal(
            rule,
            `紧急程度须为 ${c.urgencies.map((u) => URGENCY_LABEL[u]).join('或')}`,
            `urgency must be one of ${c.urgencies.join(', ')}`,
          );
    case 'key-task':
      return f.keyTask ? null : refusal(rule, '须写明所服务的重点工作', 'name the key task the whistle serves');
    default:
      return null;
  }
}

/**
 * Check a whistle against the rules: the reason must be an active allowed reason whose requirement
 * holds, and no active forbidden rule may apply. Returns the reason's rule, or the first refusal
 * (forbidden rules first, in their order), naming the rule.
 */
export function evaluateWhistle(
  rules: readonly SummonsRule[],
  facts: WhistleFacts,
): { ok: true; reason: SummonsRule } | { ok: false; violation: WhistleViolation } {
  const active = [...rules].filter((r) => r.active).sort((a, b) => a.sort - b.sort || a.code.localeCompare(b.code));
  const reason = active.find((r) => r.kind === 'allowed' && r.code === facts.reasonCode);
  if (!reason) {
    const allowed = active.filter((r) => r.kind === 'allowed');
    return {
      ok: false,
      violation: {
        code: 'whistle-reason-unknown',
        ruleCode: facts.reasonCode,
        zh: `吹哨事由不在允许范围内：${facts.reasonCode}（允许：${allowed.map((r) => `${r.code} ${r.name}`).join('；')}）`,
        en: `Not an allowed whistle reason: ${facts.reasonCode} (allowed: ${allowed.map((r) => r.code).join(', ')})`,
      },
    };
  }
  for (const rule of active.filter((r) => r.kind === 'forbidden')) {
    const v = forbidden(rule, facts);
    if (v) return { ok: false, violation: v };
  }
  const v = unmet(reason, facts);
  return v ? { ok: false, violation: v } : { ok: true, reason };
}

/** Response (报到) limits per urgency, handling limits per complexity, and misses before a red card. */
export const summonsSettingsSchema = z.strictObject({
  responseLimits: z.strictObject({
    normal: strictPositiveDurationSchema,
    urgent: strictPositiveDurationSchema,
    critical: strictPositiveDurationSchema,
  }),
  handlingLimits: z.strictObject({ simple: incidentLimitSchema, complex: incidentLimitSchema }),
  /** The miss that gives a red card (the ones before raise 督办). */
  redCardAtMiss: z.number().int().min(1).max(10),
});
export type SummonsSettings = z.infer<typeof summonsSettingsSchema>;

/** DOMAIN §6 defaults: 特急 30 minutes (Pinggu), 紧急 2 hours, 一般 24 hours; simple same working day, complex 10 working days; the second miss is a red card. */
export const DEFAULT_SUMMONS_SETTINGS: SummonsSettings = {
  responseLimits: {
    critical: { unit: 'minute', amount: 30 },
    urgent: { unit: 'hour', amount: 2 },
    normal: { unit: 'hour', amount: 24 },
  },
  handlingLimits: { simple: { unit: 'same-workday' }, complex: { unit: 'workday', amount: 10 } },
  redCardAtMiss: 2,
};

/** The frozen limits a summons runs with. */
export interface SummonsLimits {
  response: Duration;
  handling: IncidentLimit;
  redCardAtMiss: number;
}

export function limitsFor(settings: SummonsSettings, urgency: SummonsUrgency, complexity: Complexity): SummonsLimits {
  return {
    response: settings.responseLimits[urgency],
    handling: settings.handlingLimits[complexity],
    redCardAtMiss: settings.redCardAtMiss,
  };
}

/** Time in dispute: each ruled dispute's duration, plus a pending one up to `now`. */
export function totalDisputedMs(
  disputes: readonly { raisedAt: string; disputedMs: number | null }[],
  now: number,
): number {
  return disputes.reduce((sum, d) => sum + (d.disputedMs ?? Math.max(0, now - Date.parse(d.raisedAt))), 0);
}

/** Share of `n` in `d`, null when nothing counts. */
export function rate(n: number, d: number): number | null {
  return d === 0 ? null : n / d;
}
