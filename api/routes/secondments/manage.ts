import { and, count, eq } from 'drizzle-orm';
import { listSecondments, SECONDMENT_AUDIT_STREAM } from '../../../db/secondment';
import { users } from '../../../db/schema/org';
import { secondments } from '../../../db/schema/secondment';
import { SECONDMENT_STATUS_LABEL, SECONDMENT_STATUSES } from '../../../domain/secondment';
import { shanghaiDate } from '../../../domain/time';
import { ADMIN_ONLY, auditedWrite, conflict, notFound, refuse, text } from '../../admin';
import { requireUnitScope } from '../../authz';
import type { ApiRoutes } from '../../route';
import { idParam, pageOf, pageQuery } from '../../schemas';
import { z } from '../../zod';
import { activeUnit, checkRoleFits } from '../org';
import { HOST_KINDS, date, secondmentSchema } from './schemas';
import { present, hostedWithin, hostedUnder, one, refuseBarred, createBody, moveInto } from './helpers';

export function registerSecondmentManageRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/secondments',
    operationId: 'listSecondments',
    summary: '选派人员名单（管理员，本辖区）/ Secondments hosted in your area (admins)',
    tags: ['secondment'],
    access: ADMIN_ONLY,
    query: z.strictObject({
      status: z.enum(SECONDMENT_STATUSES).optional(),
      hostUnitId: text(100).optional(),
      within: text(100)
        .optional()
        .openapi({ description: '派驻在此单位（如乡镇）或其下级 / hosted in this unit (e.g. a township) or below it' }),
      userId: text(100).optional(),
      ...pageQuery,
    }),
    response: { schema: pageOf(secondmentSchema, 'SecondmentPage'), description: '分页结果 / A page of secondments' },
    async handler({ query, principal, deps }) {
      const db = deps.database.db;
      const where = and(
        hostedWithin(principal),
        query.status ? eq(secondments.status, query.status) : undefined,
        query.hostUnitId ? eq(secondments.hostUnitId, query.hostUnitId) : undefined,
        query.within ? hostedUnder(query.within) : undefined,
        query.userId ? eq(secondments.userId, query.userId) : undefined,
      );
      const [rows, [total]] = await Promise.all([
        listSecondments(db, where, { limit: query.pageSize, offset: (query.page - 1) * query.pageSize }),
        db.select({ n: count() }).from(secondments).where(where),
      ]);
      return { items: rows.map(present), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
    },
  });

  routes.add({
    method: 'post',
    path: '/secondments',
    operationId: 'createSecondment',
    summary: '登记选派（管理员）/ Record a secondment (admins)',
    description:
      '人员须在用；派驻单位须为乡镇（街道）或村（社区），且在管理员辖区内；人员如不在派驻单位，随之调入（角色须与单位类型相符）。一人同时只能有一条选派中记录（409）。年度考核不合格退回未满一年的，拒绝（422 secondment-barred，注明禁止期截止日期）。/ ' +
      'The person is moved into the host unit if elsewhere. One active secondment per person (409). Someone returned after a failed yearly assessment is refused for a year (422 secondment-barred, with the day the bar ends).',
    tags: ['secondment'],
    access: ADMIN_ONLY,
    body: createBody,
    response: { status: 201, schema: secondmentSchema, description: '选派记录 / The secondment' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      auditedWrite(ctx, SECONDMENT_AUDIT_STREAM, 'secondment.create', ctx.body.reason ?? null, async (tx) => {
        const { body, principal } = ctx;
        const [user] = await tx.select().from(users).where(eq(users.id, body.userId)).for('update');
        if (!user) throw notFound('user-not-found', `用户不存在：${body.userId}`, `No user ${body.userId}`);
        if (!user.active)
          throw refuse('user-inactive', `该用户已停用：${user.displayName}`, `User ${user.id} is inactive`);
        const host = await activeUnit(tx, body.hostUnitId, 'hostUnitId');
        requireUnitScope(principal, host);
        if (!HOST_KINDS.includes(host.kind))
          throw refuse(
            'secondment-host-kind',
            `选派只能派驻到乡镇（街道）或村（社区），「${host.name}」不是`,
            `A secondment is to a township, street, village or community; ${host.id} is a ${host.kind}`,
          );
        await refuseBarred(tx, [{ userId: user.id, name: user.displayName }], Date.now());
        const [open] = await tx
          .select({ id: secondments.id })
          .from(secondments)
          .where(and(eq(secondments.userId, user.id), eq(secondments.status, 'active')));
        if (open)
          throw conflict(
            'secondment-active',
            `${user.displayName} 已有一条选派中的记录，请先结束`,
            `${user.id} already has an active secondment (${open.id})`,
            { secondmentId: open.id },
          );
        let origin: { unitId: string | null; name: string | null; role: typeof user.role | null };
        if ('unitId' in body.origin) {
          const unit = await activeUnit(tx, body.origin.unitId, 'origin.unitId');
          if (unit.id === host.id)
            throw refuse(
              'secondment-origin-is-host',
              '原单位不能与派驻单位相同',
              'The original unit cannot be the host unit',
            );
          const role = body.origin.role ?? user.role;
          checkRoleFits(role, unit);
          origin = { unitId: unit.id, name: null, role };
        } else {
          origin = { unitId: null, name: body.origin.name, role: null };
        }
        const userBefore = { unitId: user.unitId, role: user.role };
        if (user.unitId !== host.id) await moveInto(tx, user.id, user.role, host);
        const [row] = await tx
          .insert(secondments)
          .values({
            userId: user.id,
            originUnitId: origin.unitId,
            originUnitName: origin.name,
            originRole: origin.role,
            hostUnitId: host.id,
            startDate: body.startDate,
            plannedEndDate: body.plannedEndDate,
            createdBy: principal.userId,
          })
          .returning();
        const [listed] = await listSecondments(tx, eq(secondments.id, row!.id));
        const result = present(listed!);
        return {
          before: { user: userBefore },
          after: { secondment: result, user: { unitId: host.id, role: user.role } },
          result,
        };
      }),
  });

  routes.add({
    method: 'post',
    path: '/secondments/:id/end',
    operationId: 'endSecondment',
    summary: '结束选派（期满结束，或转为乡镇在编后记为已转编）（管理员）/ End a secondment (admins)',
    description:
      '期满或提前结束记为 ended；组织部门办妥转编（年度考核优秀）后记为 converted。人员账号不变，调动请在用户管理中办理。不合格退回由考核终结时自动办理。/ ' +
      '`ended` at the end of the term, `converted` once the organisation department has taken the person into the township’s establishment. The account is left as it is. Returns after a failed assessment are carried out by the cycle.',
    tags: ['secondment'],
    access: ADMIN_ONLY,
    params: idParam,
    body: z.strictObject({
      status: z.enum(['ended', 'converted']),
      endDate: date.optional().openapi({ description: '缺省为今天 / defaults to today' }),
      reason: text(500),
    }),
    response: { schema: secondmentSchema, description: '结束后的选派记录 / The secondment' },
    errors: [404, 409, 422],
    handler: (ctx) =>
      auditedWrite(ctx, SECONDMENT_AUDIT_STREAM, 'secondment.end', ctx.body.reason, async (tx) => {
        const { body, params, principal } = ctx;
        const before = await one(tx, params.id, principal);
        if (before.status !== 'active')
          throw conflict(
            'secondment-not-active',
            `该选派已${SECONDMENT_STATUS_LABEL[before.status]}，不能再结束`,
            `The secondment is ${before.status} already`,
          );
        const endDate = body.endDate ?? shanghaiDate(Date.now());
        if (endDate < before.startDate)
          throw refuse(
            'secondment-end-before-start',
            `结束日期不能早于开始日期 ${before.startDate}`,
            `endDate is before the start ${before.startDate}`,
          );
        await tx
          .update(secondments)
          .set({
            status: body.status,
            endDate,
            endReason: body.reason,
            endedBy: principal.userId,
            updatedAt: new Date(),
          })
          .where(eq(secondments.id, before.id));
        const result = present(await one(tx, params.id, principal));
        return { before: present(before), after: result, result };
      }),
  });
}
