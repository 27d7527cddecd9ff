import { and, asc, eq } from 'drizzle-orm';
import { powerListItems } from '../../../db/schema/org';
import { ADMIN_ONLY, conflict, notFound, refuse, text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { z } from '../../zod';
import {
  KIND_LABEL,
  POWER_LIST_KINDS,
  kindsZh,
  kindsEn,
  reason,
  boolQuery,
  powerCategorySchema,
  powerSourceSchema,
  patchBody,
  powerListItemSchema,
  powerFields,
} from './schemas';
import { view, one, filterEq, adminWrite, loadUnit } from './helpers';

export function registerPowerListRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/org-units/:id/power-list',
    operationId: 'listPowerList',
    summary: '乡镇/街道权责清单 / A township’s power list',
    tags: ['org'],
    access: { roles: 'any' },
    params: idParam,
    query: z.strictObject({
      category: powerCategorySchema.optional(),
      source: powerSourceSchema.optional(),
      active: boolQuery.optional(),
    }),
    response: { schema: z.array(powerListItemSchema), description: '权责事项，按编码排序 / Items in code order' },
    errors: [404],
    async handler({ params, query, deps }) {
      const db = deps.database.db;
      const unit = await loadUnit(db, params.id);
      const where = and(
        eq(powerListItems.unitId, unit.id),
        filterEq(powerListItems.category, query.category),
        filterEq(powerListItems.source, query.source),
        filterEq(powerListItems.active, query.active),
      );
      return (await db.select().from(powerListItems).where(where).orderBy(asc(powerListItems.code))).map(view);
    },
  });

  routes.add({
    method: 'post',
    path: '/org-units/:id/power-list',
    operationId: 'createPowerListItem',
    summary: '新增权责事项（仅乡镇/街道）/ Add a power-list item (townships and streets only)',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: z.strictObject({
      code: text(50)
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, {
          error: '编码只能包含字母、数字和 . _ - / letters, digits and . _ - only',
        })
        .openapi({ example: 'CF-007' }),
      ...powerFields,
      ...reason,
    }),
    response: { status: 201, schema: powerListItemSchema, description: '新事项 / The new item' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.power.create', async (tx, fields) => {
        const unit = await loadUnit(tx, ctx.params.id);
        if (!POWER_LIST_KINDS.includes(unit.kind)) {
          throw refuse(
            'power-list-township-only',
            `只有${kindsZh(POWER_LIST_KINDS)}有权责清单，「${unit.name}」是${KIND_LABEL[unit.kind]}`,
            `Only a ${kindsEn(POWER_LIST_KINDS)} has a power list; ${unit.id} is a ${unit.kind}`,
          );
        }
        if (!unit.active) throw refuse('unit-inactive', `单位「${unit.name}」已停用`, `${unit.id} is inactive`);
        const [dup] = await tx
          .select({ id: powerListItems.id })
          .from(powerListItems)
          .where(and(eq(powerListItems.unitId, unit.id), eq(powerListItems.code, fields.code)));
        if (dup)
          throw conflict(
            'power-code-taken',
            `「${unit.name}」的权责清单已有编码 ${fields.code}`,
            `${unit.id} already has a power-list item ${fields.code}`,
          );
        return {
          before: null,
          after: one(
            await tx
              .insert(powerListItems)
              .values({ ...fields, unitId: unit.id })
              .returning(),
          ),
        };
      }),
  });

  routes.add({
    method: 'patch',
    path: '/power-list/:itemId',
    operationId: 'updatePowerListItem',
    summary: '修改权责事项 / Update a power-list item',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: z.strictObject({ itemId: z.uuid() }),
    body: patchBody({ ...powerFields, active: z.boolean() }),
    response: { schema: powerListItemSchema, description: '修改后的事项 / The updated item' },
    errors: [404],
    handler: (ctx) =>
      adminWrite(ctx, 'org.power.update', async (tx, changes) => {
        const { itemId } = ctx.params;
        const [before] = await tx.select().from(powerListItems).where(eq(powerListItems.id, itemId));
        if (!before)
          throw notFound('power-item-not-found', `权责事项不存在：${itemId}`, `No power-list item ${itemId}`);
        return {
          before,
          after: one(await tx.update(powerListItems).set(changes).where(eq(powerListItems.id, itemId)).returning()),
        };
      }),
  });
}
