import { eq } from 'drizzle-orm';
import type { Tx } from '../../db';
import { loadSummonsSettings, readSummonsConfig, SUMMONS_SETTINGS_KEY } from '../../db/summons';
import { summonsRules, summonsSettings } from '../../db/schema/summons';
import {
  conditionFitsKind,
  SUMMONS_RULE_KINDS,
  summonsRuleConditionSchema,
  summonsSettingsSchema,
} from '../../domain/summons';
import { ADMIN_ONLY, auditedWrite, refuse, text } from '../admin';
import type { ApiRoutes } from '../route';
import { documented, z } from '../zod';

/** Every summons-configuration write is chained in this one audit stream. */
const AUDIT_STREAM = 'admin:summons';

const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};
const code = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

const ruleSchema = z
  .object({
    code: z.string(),
    kind: z.enum(SUMMONS_RULE_KINDS),
    name: z.string(),
    description: z.string(),
    condition: documented(summonsRuleConditionSchema, { description: '规则条件 / the rule’s condition' }),
    active: z.boolean(),
    sort: z.number().int(),
  })
  .openapi('SummonsRule');
const settingsSchema = documented(summonsSettingsSchema, {
  description: '报到与反馈时限、红牌规则 / response and handling limits, red-card rule',
});

export function registerSummonsConfigRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/summons-config',
    operationId: 'getSummonsConfig',
    summary: '吹哨规则与时限：允许 / 禁止吹哨的情形，报到与反馈时限，红牌规则 / Whistle rules and limits',
    tags: ['summons-config'],
    access: { roles: ['admin', 'supervisor', 'dispatcher'] },
    response: {
      schema: z.object({ rules: z.array(ruleSchema), settings: settingsSchema }).openapi('SummonsConfig'),
      description: '配置 / Configuration',
    },
    async handler({ deps }) {
      return readSummonsConfig(deps.database.db);
    },
  });

  routes.add({
    method: 'put',
    path: '/summons-config/rules/:code',
    operationId: 'putSummonsRule',
    summary: '新增或修改吹哨规则（允许的事由及其条件，或禁止吹哨的情形）/ Create or edit a whistle rule',
    description:
      '条件类型：允许的事由用 min-units（至少召集几个单位）、outside-power-list（不在乡镇权责清单内）、urgency-in（紧急程度）、key-task（写明重点工作）；禁止的情形用 own-power-within-capacity（权责清单内且有能力处置）、single-unit-routine-duty（明显属单一部门日常职责）。/ Allowed reasons state a requirement, forbidden rules a situation.',
    tags: ['summons-config'],
    access: ADMIN_ONLY,
    params: z.strictObject({ code }),
    body: z.strictObject({
      kind: z.enum(SUMMONS_RULE_KINDS),
      name: text(100),
      description: text(1000),
      condition: summonsRuleConditionSchema,
      active: z.boolean().default(true),
      sort: z.number().int().min(0).max(10_000).default(0),
      ...reason,
    }),
    response: { schema: ruleSchema, description: '规则 / The rule' },
    errors: [422],
    async handler(ctx) {
      const { reason: why, ...rule } = ctx.body;
      if (!conditionFitsKind(rule.kind, rule.condition)) {
        throw refuse(
          'summons-rule-condition-kind',
          `条件 ${rule.condition.type} 不适用于${rule.kind === 'allowed' ? '允许的事由' : '禁止的情形'}`,
          `Condition ${rule.condition.type} does not fit a ${rule.kind} rule`,
        );
      }
      const read = async (tx: Tx) =>
        (await tx.select().from(summonsRules).where(eq(summonsRules.code, ctx.params.code)))[0];
      return auditedWrite(ctx, AUDIT_STREAM, 'summons.rule.put', why ?? null, async (tx) => {
        const before = await read(tx);
        await tx
          .insert(summonsRules)
          .values({ code: ctx.params.code, ...rule })
          .onConflictDoUpdate({ target: summonsRules.code, set: rule });
        const after = (await read(tx))!;
        return { before: before ?? null, after, result: after };
      });
    },
  });

  routes.add({
    method: 'put',
    path: '/summons-config/settings',
    operationId: 'putSummonsSettings',
    summary:
      '修改报到时限（特急 / 紧急 / 一般）、反馈时限（简单 / 复杂）和第几次未报到给红牌 / Edit response and handling limits, red-card rule',
    description: '只影响之后吹哨的事项；进行中的吹哨按发出时的时限执行。/ Applies to whistles blown afterwards.',
    tags: ['summons-config'],
    access: ADMIN_ONLY,
    body: summonsSettingsSchema.extend(reason),
    response: { schema: settingsSchema, description: '设置 / The settings' },
    errors: [422],
    async handler(ctx) {
      const { reason: why, ...settings } = ctx.body;
      return auditedWrite(ctx, AUDIT_STREAM, 'summons.settings.put', why ?? null, async (tx) => {
        const before = await loadSummonsSettings(tx).catch(() => null);
        await tx
          .insert(summonsSettings)
          .values({ key: SUMMONS_SETTINGS_KEY, settings })
          .onConflictDoUpdate({ target: summonsSettings.key, set: { settings } });
        return { before, after: settings, result: settings };
      });
    },
  });
}
