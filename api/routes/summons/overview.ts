import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { caseAssignments, cases } from '../../../db/schema/cases';
import { summonsDepartments } from '../../../db/schema/summons';
import { summonsDepartmentStats, townshipWhistleStats } from '../../../db/summons';
import { findUnit } from '../../../db/units';
import type { PartView } from '../../../workflows/summons/definitions';
import { notFound } from '../../admin';
import { canSeeUnit, isWithin } from '../../authz';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import { unitIdText, inboxItemSchema, instant, statsSchema } from './schemas';
import { TOWNSHIP_KINDS, scopeOf } from './helpers';

export function registerSummonsOverviewRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/summons/inbox',
    operationId: 'summonsInbox',
    summary: '部门报到待办：召集本单位的吹哨及倒计时 / Department inbox: summons addressed to my unit, with countdowns',
    description:
      '部门（派驻机构）联络员只看到召集本单位的事项，含报到与结果反馈的期限和剩余时间。/ A liaison sees only the parts addressed to their own unit.',
    tags: ['summons'],
    access: { roles: 'any' },
    query: z.strictObject({
      open: z
        .enum(['true', 'false'])
        .default('true')
        .transform((v) => v === 'true'),
    }),
    response: {
      schema: z.object({ items: z.array(inboxItemSchema), now: z.string() }).openapi('SummonsInbox'),
      description: '待办 / Inbox',
    },
    async handler({ query, principal, deps }) {
      const d = summonsDepartments;
      const now = new Date();
      const rows = await deps.database.db
        .select({ d, c: cases, actions: caseAssignments.actions })
        .from(d)
        .innerJoin(cases, eq(cases.id, d.caseId))
        .leftJoin(
          caseAssignments,
          and(
            eq(caseAssignments.caseId, d.caseId),
            eq(caseAssignments.unitId, principal.unitId),
            eq(caseAssignments.role, principal.role),
            or(eq(caseAssignments.userId, ''), eq(caseAssignments.userId, principal.userId)),
          ),
        )
        .where(and(eq(d.unitId, principal.unitId), query.open ? isNull(d.endedAt) : sql`true`))
        .orderBy(sql`${cases.deadline} asc nulls last`, asc(d.caseId));
      return {
        now: now.toISOString(),
        items: rows.map(({ d: p, c, actions }) => ({
          caseId: p.caseId,
          summonsId: p.summonsId,
          title: c.title,
          townshipId: p.townshipId,
          status: p.status as PartView['status'],
          urgency: p.urgencyCode,
          notifiedAt: p.notifiedAt.toISOString(),
          ackDeadline: p.ackDeadline?.toISOString() ?? null,
          resultDeadline: p.resultDeadline?.toISOString() ?? null,
          deadline: c.closedAt ? null : (c.deadline?.toISOString() ?? null),
          remainingMs: c.closedAt || !c.deadline ? null : c.deadline.getTime() - now.getTime(),
          colour: c.colour,
          redCard: p.redCard,
          misses: p.missCount,
          actions: actions ?? [],
        })),
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/summons/stats',
    operationId: 'summonsStats',
    summary:
      '吹哨报到统计：各部门召集数、按时报到率、按时反馈率、异议、评价；各乡镇吹哨数、被拒数、吹哨率 / Summons statistics',
    description:
      '按 [from, to) 统计。unitId 为乡镇时统计该乡镇召集的各单位及其吹哨情况；为部门或派驻机构时统计该单位；为县时统计全县。县综合指挥中心可查全县。/ Per summoned unit and per township over [from, to), scoped by unitId.',
    tags: ['summons'],
    access: { roles: ['supervisor', 'dispatcher', 'assessor', 'admin', 'dept_liaison', 'approver', 'handler'] },
    query: z.strictObject({ from: instant, to: instant, unitId: unitIdText.optional() }),
    response: { schema: statsSchema, description: '统计 / Statistics' },
    errors: [403, 404],
    async handler({ query, principal, deps }) {
      const db = deps.database.db;
      const unit = await findUnit(db, query.unitId ?? principal.unitId);
      if (!unit) throw notFound('unit-not-found', `单位不存在：${query.unitId}`, `No unit ${query.unitId}`);
      if (!canSeeUnit(principal, unit) && !isWithin(unit.path, await scopeOf(deps, principal))) {
        throw new Problem(
          'forbidden',
          {
            zh: `无权查看其他单位（${unit.name}）的统计`,
            en: `You may not see another unit's statistics (${unit.id})`,
          },
          { code: 'unit-forbidden' },
        );
      }
      const period = { from: new Date(query.from), to: new Date(query.to) };
      const township = TOWNSHIP_KINDS.includes(unit.kind);
      const [departments, townships] = await Promise.all([
        summonsDepartmentStats(
          db,
          township ? { ...period, townshipIds: [unit.id] } : { ...period, subtreePath: unit.path },
        ),
        townshipWhistleStats(db, { ...period, subtreePath: unit.path }),
      ]);
      return { from: query.from, to: query.to, unitId: unit.id, departments, townships };
    },
  });
}
