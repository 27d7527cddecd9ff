import { eq } from 'drizzle-orm';
import type { Tx } from '../../../db';
import { readIncidentConfig } from '../../../db/incident';
import {
  incidentCategories,
  incidentRoutingRules,
  incidentTimeLimits,
  incidentUrgencies,
} from '../../../db/schema/incident';
import { defaultLimit, INCIDENT_LEVELS } from '../../../domain/incident';
import { ADMIN_ONLY, refuse, text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import {
  reason,
  code,
  categorySchema,
  urgencySchema,
  timeLimitSchema,
  routingRuleSchema,
  hotlineTypeSchema,
  settingsSchema,
  upsert,
  activeUnitOrRefuse,
} from './schemas';

export function registerCategoryConfigRoutes(routes: ApiRoutes): void {
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
}
