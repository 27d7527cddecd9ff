import { findUnit } from '../../db/units';
import { positiveDurationSchema } from '../../domain/calendar';
import type { Actor } from '../../domain/vocabulary';
import { taskActionSchema, taskViewSchema } from '../../workflows/task/contract';
import { taskActionUpdate, taskCase, type StartTaskInput } from '../../workflows/task/definitions';
import type { Principal } from '../auth';
import { calendarFor, newCaseId, requireDeadlineComputable, startCase } from '../case-start';
import { requireUnitScope } from '../authz';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam } from '../schemas';
import { actOnCase } from '../temporal';
import { text } from '../../workflows/shared/contract';
import { documented, z } from '../zod';
import { loadVisibleCase, overseesOverdueCase } from './cases';

const createTaskBody = z.strictObject({
  title: text(200).openapi({ example: '整改：背街小巷占道经营回潮' }),
  description: text(4000),
  unitId: text(100).openapi({ description: '责任单位 / the unit that must do the work', example: 'lk.t01.v01' }),
  budget: documented(positiveDurationSchema, {
    description: '时限 / time limit, e.g. { unit: "workday", amount: 15 }',
  }),
});

export function actorOf(p: Principal): Actor {
  return { userId: p.userId, displayName: p.displayName, role: p.role, unitId: p.unitId, unitPath: p.unitPath };
}

export function registerTaskRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/tasks',
    operationId: 'createTask',
    summary: '下达整改任务 / Open a rectification task for a unit',
    description:
      '督查员向本辖区单位下达整改任务，按工作日计时。/ A supervisor opens a task for a unit in their subtree, timed in working days.',
    tags: ['tasks'],
    access: { roles: ['supervisor', 'admin'] },
    body: createTaskBody,
    response: { status: 201, schema: taskViewSchema, description: '已下达 / Opened' },
    errors: [404, 422, 503],
    async handler({ body, principal, deps, idempotency }) {
      const db = deps.database.db;
      const unit = await findUnit(db, body.unitId);
      if (!unit || !unit.active)
        throw new Problem(
          'notFound',
          { zh: `责任单位不存在或已停用：${body.unitId}`, en: `No active unit ${body.unitId}` },
          { code: 'unit-not-found' },
        );
      requireUnitScope(principal, unit);
      const calendar = await calendarFor(deps, unit);
      const now = Date.now();
      requireDeadlineComputable(calendar, body.budget, now);
      const caseId = await newCaseId({ deps, idempotency }, 'task', now);
      const input: StartTaskInput = {
        caseId,
        ...body,
        ownerUnitId: principal.unitId,
        createdBy: actorOf(principal),
        calendar,
      };
      return startCase(deps, taskCase, caseId, input);
    },
  });

  routes.add({
    method: 'post',
    path: '/tasks/:id/actions',
    operationId: 'actOnTask',
    summary: '办理整改任务：暂停 / 恢复 / 延期 / 督办 / 办结 / Act on a task',
    description:
      '一个接口，按 type 区分动作。被拒绝的操作不改变案件：403 非本环节办理人，409 状态不符，422 规则不允许。/ One endpoint with a typed action union; a refused action changes nothing.',
    tags: ['tasks'],
    access: { roles: ['supervisor', 'handler', 'admin'] },
    params: idParam,
    body: taskActionSchema,
    response: { schema: taskViewSchema, description: '办理后的任务 / The task after the action' },
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps, idempotency }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      if (row.process !== 'task')
        throw new Problem(
          'notFound',
          { zh: `不是整改任务：${params.id}`, en: `${params.id} is not a task` },
          { code: 'case-not-found' },
        );
      const oversight = body.type === 'urge' && (await overseesOverdueCase(deps, principal, row));
      return actOnCase(
        deps.temporal,
        params.id,
        taskActionUpdate,
        { actor: actorOf(principal), action: body, ...(oversight ? { oversight } : {}) },
        idempotency?.updateId,
      );
    },
  });
}
