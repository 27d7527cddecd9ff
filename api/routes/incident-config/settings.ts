import { eq } from 'drizzle-orm';
import type { Tx } from '../../../db';
import { INCIDENT_SETTINGS_KEY, loadIncidentSettings } from '../../../db/incident';
import { hotlineOrderTypes, incidentSettings } from '../../../db/schema/incident';
import { positiveDurationSchema } from '../../../domain/calendar';
import { incidentSettingsSchema } from '../../../domain/incident';
import { ADMIN_ONLY, text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import { reason, code, hotlineTypeSchema, settingsSchema, upsert, activeUnitOrRefuse } from './schemas';

export function registerSettingsConfigRoutes(routes: ApiRoutes): void {
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
