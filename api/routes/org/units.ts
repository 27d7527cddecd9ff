import { and, asc, count, eq, sql } from 'drizzle-orm';
import { childPath, inSubtree, orgUnits } from '../../../db/schema/org';
import { requireUnitScope } from '../../authz';
import { ADMIN_ONLY, conflict, refuse, text } from '../../admin';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { z } from '../../zod';
import {
  KIND_LABEL,
  PARENT_KINDS,
  kindsZh,
  kindsEn,
  clearable,
  unitCode,
  regionCode,
  reason,
  boolQuery,
  orgUnitKindSchema,
  patchBody,
  orgUnitSchema,
  createUnitBody,
} from './schemas';
import { view, one, filterEq, filterContains, adminWrite, loadUnit, activeUnit } from './helpers';
import { checkNewUnit, checkLeader, refuseLiveCases, checkActivation } from './checks';

export function registerOrgUnitRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/org-units',
    operationId: 'listOrgUnits',
    summary:
      '组织树：按类型、上级、子树、名称、状态筛选 / The org tree, filtered by kind, parent, subtree, name and status',
    tags: ['org'],
    access: { roles: 'any' },
    query: z.strictObject({
      kind: orgUnitKindSchema.optional(),
      parentId: text(100).optional(),
      under: text(100).optional().openapi({
        description: '只列此单位之下的子树（不含其本身）/ Only the subtree below this unit, itself excluded',
      }),
      q: text(100).optional().openapi({ description: '名称包含 / Name contains' }),
      active: boolQuery.optional(),
    }),
    response: { schema: z.array(orgUnitSchema), description: '单位，按路径排序 / Units in path order' },
    errors: [404],
    async handler({ query, deps }) {
      const db = deps.database.db;
      const root = query.under ? await loadUnit(db, query.under) : undefined;
      const where = and(
        root && inSubtree(root.path, { includeRoot: false }),
        filterEq(orgUnits.kind, query.kind),
        filterEq(orgUnits.parentId, query.parentId),
        filterContains(query.q, orgUnits.name, orgUnits.nameEn),
        filterEq(orgUnits.active, query.active),
      );
      return (await db.select().from(orgUnits).where(where).orderBy(asc(orgUnits.path))).map(view);
    },
  });

  routes.add({
    method: 'get',
    path: '/org-units/:id',
    operationId: 'getOrgUnit',
    summary: '单位详情及下级单位数 / One org unit with its number of children',
    tags: ['org'],
    access: { roles: 'any' },
    params: idParam,
    response: {
      schema: orgUnitSchema.extend({ childrenCount: z.number().int() }).openapi('OrgUnitDetail'),
      description: '单位 / Org unit',
    },
    errors: [404],
    async handler({ params, deps }) {
      const db = deps.database.db;
      const unit = await loadUnit(db, params.id);
      const [children] = await db.select({ n: count() }).from(orgUnits).where(eq(orgUnits.parentId, unit.id));
      return { ...view(unit), childrenCount: children?.n ?? 0 };
    },
  });

  routes.add({
    method: 'post',
    path: '/org-units',
    operationId: 'createOrgUnit',
    summary: '新建单位（路径和层级由系统计算）/ Create an org unit (path and level are computed)',
    description:
      '县为唯一根节点；乡镇/街道、县直部门在县之下；村/社区、派驻机构在乡镇/街道之下；网格在村/社区之下；派驻机构须指明所属部门。/ ' +
      'The county is the only root; townships, streets and departments sit under it; villages, communities and agencies under a township or street; grids under a village or community; an agency names its department.',
    tags: ['org'],
    access: ADMIN_ONLY,
    body: createUnitBody,
    response: { status: 201, schema: orgUnitSchema, description: '新单位 / The new unit' },
    errors: [409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.unit.create', async (tx, fields) => {
        const parent = await checkNewUnit(tx, fields);
        const values = {
          ...fields,
          parentId: parent?.id ?? null,
          path: childPath(parent?.path ?? null, fields.id),
          level: (parent?.level ?? 0) + 1,
        };
        return { before: null, after: one(await tx.insert(orgUnits).values(values).returning()) };
      }),
  });

  routes.add({
    method: 'patch',
    path: '/org-units/:id',
    operationId: 'updateOrgUnit',
    summary:
      '修改单位（名称、区划、负责人、启停用；不可调整上级）/ Update an org unit (names, region, leader, active; no re-parenting)',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: patchBody({
      name: text(200),
      nameEn: clearable(text(200)),
      regionCode: clearable(regionCode),
      leaderUserId: clearable(text(100)),
      active: z.boolean(),
    }),
    response: { schema: orgUnitSchema, description: '修改后的单位 / The updated unit' },
    errors: [404, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.unit.update', async (tx, changes) => {
        const before = await loadUnit(tx, ctx.params.id);
        if (changes.leaderUserId) await checkLeader(tx, before, changes.leaderUserId);
        if (changes.active !== undefined && changes.active !== before.active)
          await checkActivation(tx, before, changes.active);
        return {
          before,
          after: one(await tx.update(orgUnits).set(changes).where(eq(orgUnits.id, before.id)).returning()),
        };
      }),
  });

  routes.add({
    method: 'post',
    path: '/org-units/:id/move',
    operationId: 'moveOrgUnit',
    summary:
      '调整单位隶属（连同下级单位一起移到新的上级之下）/ Move an org unit, with its subtree, under another parent',
    description:
      '新上级须在用且类型符合组织树规则，不能是本单位或其下级；本单位及其下级还有在办案件的，拒绝并列出案件（案件按原隶属计算时限和辖区）。/ ' +
      'The new parent must be active, of a kind the tree allows, and not the unit or below it. Refused, naming them, while the unit or its subtree has open cases (they were scoped by the old tree).',
    tags: ['org'],
    access: ADMIN_ONLY,
    params: idParam,
    body: z.strictObject({ parentId: unitCode.openapi({ description: '新的上级单位 / The new parent' }), ...reason }),
    response: { schema: orgUnitSchema, description: '移动后的单位 / The moved unit' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      adminWrite(ctx, 'org.unit.move', async (tx, { parentId }) => {
        const before = await loadUnit(tx, ctx.params.id);
        if (before.kind === 'county')
          throw refuse(
            'county-not-root',
            '县是组织树的根节点，不能移动',
            'The county is the root of the tree and cannot be moved',
          );
        if (before.parentId === parentId)
          throw conflict(
            'unit-already-there',
            `单位「${before.name}」已在该上级之下`,
            `${before.id} is already under ${parentId}`,
          );
        const parent = await activeUnit(tx, parentId, 'parentId');
        requireUnitScope(ctx.principal, before);
        requireUnitScope(ctx.principal, parent);
        if (parent.path === before.path || parent.path.startsWith(`${before.path}/`)) {
          throw refuse(
            'move-into-own-subtree',
            `不能把单位「${before.name}」移到它自己或它的下级「${parent.name}」之下`,
            `${before.id} cannot be moved under itself or its own subtree (${parent.id})`,
          );
        }
        const allowed = PARENT_KINDS[before.kind];
        if (!allowed.includes(parent.kind)) {
          throw refuse(
            'parent-kind-not-allowed',
            `${KIND_LABEL[before.kind]}只能设在${kindsZh(allowed)}之下，「${parent.name}」是${KIND_LABEL[parent.kind]}`,
            `A ${before.kind} must be placed under a ${kindsEn(allowed)}; ${parent.id} is a ${parent.kind}`,
          );
        }
        const subtree = sql`select ${orgUnits.id} from ${orgUnits} where ${inSubtree(before.path)}`;
        await refuseLiveCases(tx, before, subtree, { zh: '调整隶属', en: 'moved' });
        const newPath = childPath(parent.path, before.id);
        const depth = parent.level + 1 - before.level;
        // Rewrite the materialised path (and depth) of the unit and everything below it in one statement.
        await tx
          .update(orgUnits)
          .set({
            path: sql`${newPath} || substr(${orgUnits.path}, ${before.path.length + 1})`,
            level: sql`${orgUnits.level} + ${depth}`,
          })
          .where(inSubtree(before.path));
        return {
          before,
          after: one(
            await tx.update(orgUnits).set({ parentId: parent.id }).where(eq(orgUnits.id, before.id)).returning(),
          ),
        };
      }),
  });
}
