import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../../db';
import { incidentRoutingRules, incidentTimeLimits, incidentUrgencies } from '../../../db/schema/incident';
import { incidentLimitSchema, ROUTING_MODES } from '../../../domain/incident';
import { ADMIN_ONLY, notFound, refuse, text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { documented, z } from '../../zod';
import {
  reason,
  code,
  levelParam,
  timeLimitSchema,
  routingRuleSchema,
  upsert,
  activeUnitOrRefuse,
  categoryOrNotFound,
} from './schemas';

export function registerRuleConfigRoutes(routes: ApiRoutes): void {
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
}
