import { eq } from 'drizzle-orm';
import type { Tx } from '../../../db';
import { incidentCategories } from '../../../db/schema/incident';
import { orgUnits } from '../../../db/schema/org';
import { durationSchema } from '../../../domain/calendar';
import { incidentLimitSchema, incidentSettingsSchema, ROUTING_MODES } from '../../../domain/incident';
import { auditedWrite, notFound, refuse, text } from '../../admin';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import { documented, z } from '../../zod';

/** Every incident-configuration write is chained in this one audit stream. */
export const AUDIT_STREAM = 'admin:incident';

export const reason = {
  reason: text(500).optional().openapi({ description: '变更原因，记入审计日志 / Why, recorded in the audit log' }),
};

export const code = z.string().regex(/^[a-z][a-z0-9-]{0,39}$/);

export const levelParam = z.coerce.number().int().min(1).max(4);

export const categorySchema = z
  .object({ code: z.string(), name: z.string(), active: z.boolean(), sort: z.number().int() })
  .openapi('IncidentCategory');

export const urgencySchema = z
  .object({ code: z.string(), name: z.string(), mayJump: z.boolean(), sort: z.number().int() })
  .openapi('IncidentUrgency');

export const timeLimitSchema = z
  .object({
    categoryCode: z.string(),
    urgencyCode: z.string(),
    level: z.number().int(),
    limit: documented(incidentLimitSchema, {
      description: '时限；same-workday 为当日办结 / the limit; same-workday: by the end of the working day',
    }),
  })
  .openapi('IncidentTimeLimit');

export const routingRuleSchema = z
  .object({
    categoryCode: z.string(),
    level: z.number().int(),
    mode: z.enum(ROUTING_MODES),
    target: z.string().nullable(),
  })
  .openapi('IncidentRoutingRule');

export const hotlineTypeSchema = z
  .object({ code: z.string(), name: z.string(), limit: durationSchema, active: z.boolean() })
  .openapi('HotlineOrderType');

export const settingsSchema = documented(incidentSettingsSchema, {
  description: '核查、回访、派单异议与三率规则 / verification, callback, dispute-window and 三率 rules',
});

export type Ctx = { deps: AppDeps; principal: Principal };

/** One audited upsert: `read` the row before, `write` it, and chain both into the audit stream. */
export function upsert<T>(
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

export async function activeUnitOrRefuse(tx: Tx, id: string, field: string) {
  const [unit] = await tx.select().from(orgUnits).where(eq(orgUnits.id, id));
  if (!unit || !unit.active)
    throw refuse(
      'unit-unknown',
      `${field} 指向的单位不存在或已停用：${id}`,
      `${field} names no active org unit: ${id}`,
    );
  return unit;
}

export async function categoryOrNotFound(tx: Tx, categoryCode: string) {
  const [row] = await tx.select().from(incidentCategories).where(eq(incidentCategories.code, categoryCode));
  if (!row)
    throw notFound(
      'incident-category-not-found',
      `事件类别不存在：${categoryCode}`,
      `No incident category ${categoryCode}`,
    );
  return row;
}
