import { eq } from 'drizzle-orm';
import { activeBars, secondmentsOf } from '../../../db/secondment';
import { ROLE_LABEL, users } from '../../../db/schema/org';
import { SECONDMENT_EFFECT_LABEL } from '../../../domain/secondment';
import { notFound } from '../../admin';
import type { ApiRoutes } from '../../route';
import { idParam, roleSchema } from '../../schemas';
import { z } from '../../zod';
import { secondmentSchema, outcomeSchema } from './schemas';
import { present, mayRead } from './helpers';

export function registerUserSecondmentRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/users/:id/secondments',
    operationId: 'userSecondments',
    summary: '一个人的选派记录、历年考核结果运用和禁止选派期 / A person’s secondments, yearly outcomes and bar',
    description:
      '本人，或辖区内的管理员、考核员、督查员可看。/ The person, or admins, assessors and supervisors whose area covers them.',
    tags: ['secondment'],
    access: { roles: 'any' },
    params: idParam,
    response: {
      schema: z.object({
        userId: z.string(),
        name: z.string(),
        unitId: z.string(),
        role: roleSchema,
        roleLabel: z.string(),
        active: z.boolean(),
        bar: z
          .object({ until: z.string(), cycleId: z.string() })
          .nullable()
          .openapi({ description: '禁止选派期（此日前不得再选派）/ barred before `until`' }),
        secondments: z.array(secondmentSchema),
        outcomes: z.array(outcomeSchema),
      }),
      description: '选派情况 / The person’s secondments',
    },
    errors: [404],
    async handler({ params, principal, deps }) {
      const db = deps.database.db;
      const [row] = await db.select({ user: users }).from(users).where(eq(users.id, params.id));
      const history = row ? await secondmentsOf(db, row.user.id) : null;
      if (
        !row ||
        !history ||
        !(await mayRead(db, principal, row.user.id, [row.user.unitId, ...history.secondments.map((s) => s.hostUnitId)]))
      ) {
        throw notFound(
          'user-not-found',
          `用户不存在或无权查看：${params.id}`,
          `No user ${params.id}, or you may not see it`,
        );
      }
      const bar = (await activeBars(db, [row.user.id], Date.now())).get(row.user.id);
      return {
        userId: row.user.id,
        name: row.user.displayName,
        unitId: row.user.unitId,
        role: row.user.role,
        roleLabel: ROLE_LABEL[row.user.role],
        active: row.user.active,
        bar: bar ? { until: bar.until, cycleId: bar.caseId } : null,
        secondments: history.secondments.map(present),
        outcomes: history.outcomes.map((o) => ({
          caseId: o.caseId,
          effect: o.effect,
          effectLabel: SECONDMENT_EFFECT_LABEL[o.effect],
          total: o.total,
          gradeLabel: o.gradeLabel,
          decidedAt: o.decidedAt.toISOString(),
          barUntil: o.barUntil,
          taskCaseId: o.taskCaseId,
          note: o.note,
        })),
      };
    },
  });
}
