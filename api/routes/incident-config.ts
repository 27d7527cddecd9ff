import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db';
import { INCIDENT_SETTINGS_KEY, loadIncidentSettings, readIncidentConfig } from '../../db/incident';
import {
  hotlineOrderTypes,
  incidentCategories,
  incidentRoutingRules,
  incidentSettings,
  incidentTimeLimits,
  incidentUrgencies,
} from '../../db/schema/incident';
import { orgUnits } from '../../db/schema/org';
import { durationSchema, positiveDurationSchema } from '../../domain/calendar';
import {
  defaultLimit,
  INCIDENT_LEVELS,
  incidentLimitSchema,
  incidentSettingsSchema,
  ROUTING_MODES,
} from '../../domain/incident';
import { ADMIN_ONLY, auditedWrite, notFound, refuse, text } from '../admin';
import type { Principal } from '../auth';
import type { AppDeps } from '../deps';
import type { ApiRoutes } from '../route';
import { documented, z } from '../zod';

/** Every incident-configuration write is chained in this one audit stream. */
const AUDIT_STREAM = 'admin:incident';

const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};
const code = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);
const levelParam = z.coerce.number().int().min(1).max(4);

const categorySchema = z
  .object({ code: z.string(), name: z.string(), active: z.boolean(), sort: z.number().int() })
  .openapi('IncidentCategory');
const urgencySchema = z
  .object({ code: z.string(), name: z.string(), mayJump: z.boolean(), sort: z.number().int() })
  .openapi('IncidentUrgency');
const timeLimitSchema = z
  .object({
    categoryCode: z.string(),
    urgencyCode: z.string(),
    level: z.number().int(),
    limit: documented(incidentLimitSchema, {
      description: '时限；same-workday 为当日办结 / the limit; same-workday: by the end of the working day',
    }),
  })
  .openapi('IncidentTimeLimit');
const routingRuleSchema = z
  .object({
    categoryCode: z.string(),
    level: z.number().int(),
    mode: z.enum(ROUTING_MODES),
    target: z.string().nullable(),
  })
  .openapi('IncidentRoutingRule');
const hotlineTypeSchema = z
  .object({ code: z.string(), name: z.string(), limit: durationSchema, active: z.boolean() })
  .openapi('HotlineOrderType');
const settingsSchema = documented(incidentSettingsSchema, {
  description: '核查、回访、派单异议与三率规则 / verification, callback, dispute-window and 三率 rules',
});

type Ctx = { deps: AppDeps; principal: Principal };

/** One audited upsert: `read` the row before, `write` it, and chain both into the audit stream. */
function upsert<T>(
  ctx: Ctx,
  action: string,
  why: string | undefined,
  read: (tx: Tx) => Promise<T | undefined>,
  write: (tx: Tx, before: T | undefined) => Promise<unknown>,
): Promise<T> {
  return auditedWrite(ctx, AUDIT_STREAM, action, why ?? null, async (tx) => {
    const before = await read(tx);
    await write(tx, before);
    const after = (await read(tx))!;
    return { before: before ?? null, after, result: after };
  });
}

async function activeUnitOrRefuse(tx: Tx, id: string, field: string) {
  const [unit] = await tx.select().from(orgUnits).where(eq(orgUnits.id, id));
  if (!unit || !unit.active)
    throw refuse(
      'unit-unknown',
      `${field} 指向的单位不存在或已停用：${id}`,
      `${field} names no active org unit: ${id}`,
    );
  return unit;
}

async function categoryOrNotFound(tx: Tx, categoryCode: string) {
  const [row] = await tx.select().from(incidentCategories).where(eq(incidentCategories.code, categoryCode));
  if (!row)
    throw notFound(
      'incident-category-not-found',
      `事件类别不存在：${categoryCode}`,
      `No incident category ${categoryCode}`,
    );
  return row;
}

export function registerIncidentConfigRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/incident-config',
    operationId: 'getIncidentConfig',
    summary:
      '事件处置配置：类别、紧急程度、各级时限、派单规则、12345 工单类型、核查与回访规则 / Incident configuration',
    description:
      '任何登录用户可读（上报事件需要类别与紧急程度）；仅管理员可修改。/ Readable by every signed-in user (reporting needs the categories and urgencies); only admins change it.',
    tags: ['incident-config'],
    access: { roles: 'any' },
    response: {
      schema: z
        .object({
          categories: z.array(categorySchema),
          urgencies: z.array(urgencySchema),
          timeLimits: z.array(timeLimitSchema),
          routingRules: z.array(routingRuleSchema),
          hotlineTypes: z.array(hotlineTypeSchema),
          settings: settingsSchema,
        })
        .openapi('IncidentConfig'),
      description: '配置 / Configuration',
    },
    async handler({ deps }) {
      return readIncidentConfig(deps.database.db);
    },
  });

  routes.add({
    method: 'put',
    path: '/incident-config/categories/:code',
    operationId: 'putIncidentCategory',
    summary: '新增或修改事件类别（新类别按默认时限建表，四级派至 l4UnitId）/ Create or edit a category',
    tags: ['incident-config'],
    access: ADMIN_ONLY,
    params: z.strictObject({ code }),
    body: z.strictObject({
      name: text(100),
      active: z.boolean().default(true),
      sort: z.number().int().min(0).max(10_000).optional(),
      l4UnitId: text(100).optional(),
      ...reason,
    }),
    response: { schema: categorySchema, description: '类别 / The category' },
    errors: [422],
    async handler(ctx) {
      const { params, body } = ctx;
      const read = async (tx: Tx) =>
        (await tx.select().from(incidentCategories).where(eq(incidentCategories.code, params.code)))[0];
      return upsert(ctx, 'incident.category.put', body.reason, read, async (tx, before) => {
        const fields = {
          name: body.name,
          active: body.active,
          ...(body.sort !== undefined ? { sort: body.sort } : {}),
        };
        if (before) return tx.update(incidentCategories).set(fields).where(eq(incidentCategories.code, params.code));
        if (!body.l4UnitId)
          throw refuse(
            'l4-unit-required',
            '新类别须指定四级（县级）处置部门 l4UnitId',
            'A new category needs its L4 department (l4UnitId)',
          );
        await activeUnitOrRefuse(tx, body.l4UnitId, 'l4UnitId');
        await tx.insert(incidentCategories).values({ code: params.code, ...fields });
        const urgencies = await tx.select().from(incidentUrgencies);
        await tx.insert(incidentTimeLimits).values(
          urgencies.flatMap((u) =>
            INCIDENT_LEVELS.map((level) => ({
              categoryCode: params.code,
              urgencyCode: u.code,
              level,
              limit: defaultLimit(u.code, level),
            })),
          ),
        );
        return tx
          .insert(incidentRoutingRules)
          .values(
            INCIDENT_LEVELS.map((level) =>
              level === 4
                ? { categoryCode: params.code, level, mode: 'unit' as const, target: body.l4UnitId! }
                : { categoryCode: params.code, level, mode: 'ancestor' as const, target: null },
            ),
          );
      });
    },
  });

  routes.add({
    method: 'put',
    path: '/incident-config/time-limits/:category/:urgency/:level',
    operationId: 'putIncidentTimeLimit',
    summary: '修改某类别 × 紧急程度 × 层级的处置时限（新事件生效）/ Set a level time limit (applies to new events)',
    tags: ['incident-config'],
    access: ADMIN_ONLY,
    params: z.strictObject({ category: code, urgency: code, level: levelParam }),
    body: z.strictObject({
      limit: documented(incidentLimitSchema, {
        description: '{ unit: "same-workday" } 或 { unit: "workday" | "hour" | …, amount }',
      }),
      ...reason,
    }),
    response: { schema: timeLimitSchema, description: '时限 / The limit' },
    errors: [404, 422],
    async handler(ctx) {
      const { category, urgency, level } = ctx.params;
      const where = and(
        eq(incidentTimeLimits.categoryCode, category),
        eq(incidentTimeLimits.urgencyCode, urgency),
        eq(incidentTimeLimits.level, level),
      );
      const read = async (tx: Tx) => (await tx.select().from(incidentTimeLimits).where(where))[0];
      return upsert(ctx, 'incident.time-limit.put', ctx.body.reason, read, async (tx) => {
        await categoryOrNotFound(tx, category);
        const [u] = await tx.select().from(incidentUrgencies).where(eq(incidentUrgencies.code, urgency));
        if (!u) throw notFound('incident-urgency-not-found', `紧急程度不存在：${urgency}`, `No urgency ${urgency}`);
        const row = { categoryCode: category, urgencyCode: urgency, level, limit: ctx.body.limit };
        return tx
          .insert(incidentTimeLimits)
          .values(row)
          .onConflictDoUpdate({
            target: [incidentTimeLimits.categoryCode, incidentTimeLimits.urgencyCode, incidentTimeLimits.level],
            set: { limit: row.limit },
          });
      });
    },
  });

  routes.add({
    method: 'put',
    path: '/incident-config/routing-rules/:category/:level',
    operationId: 'putIncidentRoutingRule',
    summary: '修改派单规则：本级属地单位 / 乡镇派驻机构 / 指定单位（四级须为县直部门）/ Set a routing rule',
    tags: ['incident-config'],
    access: ADMIN_ONLY,
    params: z.strictObject({ category: code, level: levelParam }),
    body: z.strictObject({ mode: z.enum(ROUTING_MODES), target: text(100).optional(), ...reason }),
    response: { schema: routingRuleSchema, description: '派单规则 / The rule' },
    errors: [404, 422],
    async handler(ctx) {
      const { category, level } = ctx.params;
      const { mode, target } = ctx.body;
      if ((mode === 'ancestor') !== (target === undefined))
        throw refuse(
          'routing-target',
          '“本级属地单位”不需要 target，其他方式必须填写 target',
          'mode ancestor takes no target; the others need one',
        );
      if (level === 4 && mode !== 'unit')
        throw refuse(
          'routing-l4-unit',
          '四级（县级）须指定一个县直部门',
          'Level 4 must route to a fixed county department',
        );
      if (mode === 'agency' && level !== 3)
        throw refuse(
          'routing-agency-level',
          '派驻机构只在三级（乡镇）派单',
          'Dispatched agencies take events at level 3 only',
        );
      const where = and(eq(incidentRoutingRules.categoryCode, category), eq(incidentRoutingRules.level, level));
      const read = async (tx: Tx) => (await tx.select().from(incidentRoutingRules).where(where))[0];
      return upsert(ctx, 'incident.routing-rule.put', ctx.body.reason, read, async (tx) => {
        await categoryOrNotFound(tx, category);
        if (mode === 'unit') {
          const unit = await activeUnitOrRefuse(tx, target!, 'target');
          if (level === 4 && unit.kind !== 'department')
            throw refuse(
              'routing-l4-unit',
              `四级须派至县直部门，${unit.name} 不是`,
              `Level 4 must route to a county department; ${unit.id} is a ${unit.kind}`,
            );
        }
        const row = { categoryCode: category, level, mode, target: target ?? null };
        return tx
          .insert(incidentRoutingRules)
          .values(row)
          .onConflictDoUpdate({
            target: [incidentRoutingRules.categoryCode, incidentRoutingRules.level],
            set: { mode, target: row.target },
          });
      });
    },
  });

  routes.add({
    method: 'put',
    path: '/incident-config/hotline-types/:code',
    operationId: 'putHotlineOrderType',
    summary: '新增或修改 12345 工单类型及办理时限 / Create or edit a 12345 order type',
    tags: ['incident-config'],
    access: ADMIN_ONLY,
    params: z.strictObject({ code }),
    body: z.strictObject({
      name: text(100),
      limit: positiveDurationSchema,
      active: z.boolean().default(true),
      ...reason,
    }),
    response: { schema: hotlineTypeSchema, description: '工单类型 / The order type' },
    errors: [422],
    async handler(ctx) {
      const { name, limit, active } = ctx.body;
      const read = async (tx: Tx) =>
        (await tx.select().from(hotlineOrderTypes).where(eq(hotlineOrderTypes.code, ctx.params.code)))[0];
      return upsert(ctx, 'incident.hotline-type.put', ctx.body.reason, read, (tx) =>
        tx
          .insert(hotlineOrderTypes)
          .values({ code: ctx.params.code, name, limit, active })
          .onConflictDoUpdate({ target: hotlineOrderTypes.code, set: { name, limit, active } }),
      );
    },
  });

  routes.add({
    method: 'put',
    path: '/incident-config/settings',
    operationId: 'putIncidentSettings',
    summary: '修改核查人、回访来源、三率权重、县综合指挥中心 / Edit verification, callback and 三率 rules',
    tags: ['incident-config'],
    access: ADMIN_ONLY,
    body: incidentSettingsSchema.extend(reason),
    response: { schema: settingsSchema, description: '规则 / The settings' },
    errors: [422],
    async handler(ctx) {
      const { reason: why, ...settings } = ctx.body;
      const read = async (tx: Tx) => loadIncidentSettings(tx).catch(() => undefined);
      return upsert(ctx, 'incident.settings.put', why, read, async (tx) => {
        await activeUnitOrRefuse(tx, settings.commandCentreUnitId, 'commandCentreUnitId');
        return tx
          .insert(incidentSettings)
          .values({ key: INCIDENT_SETTINGS_KEY, settings })
          .onConflictDoUpdate({ target: incidentSettings.key, set: { settings } });
      });
    },
  });
}
