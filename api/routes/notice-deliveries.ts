import { and, count, desc, eq, inArray } from 'drizzle-orm';
import { DELIVERY_STATUSES, notices } from '../../db/schema/cases';
import { NOTICE_KINDS } from '../../domain/vocabulary';
import { ADMIN_ONLY, auditedWrite, conflict, notFound } from '../admin';
import type { ApiRoutes } from '../route';
import { pageOf, pageQuery } from '../schemas';
import { z } from '../zod';

const deliverySchema = z
  .object({
    id: z.number().int(),
    caseId: z.string(),
    key: z.string(),
    kind: z.enum(NOTICE_KINDS),
    unitId: z.string(),
    recipientUserId: z.string().nullable(),
    message: z.string(),
    createdAt: z.string(),
    deliveryStatus: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: z
      .string()
      .nullable()
      .openapi({ description: '下次尝试时间（待发送时）/ when the next attempt is due (pending only)' }),
    deliveredAt: z.string().nullable(),
  })
  .openapi('NoticeDelivery');

const present = (n: typeof notices.$inferSelect) => ({
  id: n.id,
  caseId: n.caseId,
  key: n.key,
  kind: n.kind,
  unitId: n.unitId,
  recipientUserId: n.recipientUserId,
  message: n.message,
  createdAt: n.createdAt.toISOString(),
  deliveryStatus: n.deliveryStatus,
  attempts: n.attempts,
  lastError: n.lastError,
  nextAttemptAt: n.nextAttemptAt?.toISOString() ?? null,
  deliveredAt: n.deliveredAt?.toISOString() ?? null,
});

export function registerNoticeDeliveryRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/notice-deliveries',
    operationId: 'listNoticeDeliveries',
    summary:
      '通知外发（短信等）状态：待发送与发送失败（管理员）/ Delivery of notices outside the system: pending and failed (admins)',
    description:
      '默认列出尚未送达的（pending 重试中、failed 已放弃），可按状态与案件筛选；含尝试次数与最后一次错误。/ By default the notices not delivered yet (pending, being retried; failed, given up), with attempts and the last error.',
    tags: ['cases'],
    access: ADMIN_ONLY,
    query: z.strictObject({
      status: z.enum(DELIVERY_STATUSES).optional(),
      caseId: z.string().max(100).optional(),
      ...pageQuery,
    }),
    response: { schema: pageOf(deliverySchema, 'NoticeDeliveryPage'), description: '通知外发状态 / Deliveries' },
    async handler({ query, deps }) {
      const where = and(
        query.status
          ? eq(notices.deliveryStatus, query.status)
          : inArray(notices.deliveryStatus, ['pending', 'failed']),
        query.caseId ? eq(notices.caseId, query.caseId) : undefined,
      );
      const db = deps.database.db;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(notices)
          .where(where)
          .orderBy(desc(notices.createdAt), desc(notices.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(notices).where(where),
      ]);
      return { items: rows.map(present), page: query.page, pageSize: query.pageSize, total: total?.n ?? 0 };
    },
  });

  routes.add({
    method: 'post',
    path: '/notice-deliveries/:id/retry',
    operationId: 'retryNoticeDelivery',
    summary: '重新发送一条发送失败的通知（管理员）/ Send a failed notice again (admins)',
    description:
      '例如短信网关修复后。次数从零重新计算。/ E.g. once the SMS gateway is fixed; its attempts count from zero again.',
    tags: ['cases'],
    access: ADMIN_ONLY,
    params: z.strictObject({ id: z.coerce.number().int().positive() }),
    response: { schema: deliverySchema, description: '已重新排队 / Queued again' },
    errors: [404, 409],
    async handler({ params, principal, deps }) {
      return auditedWrite({ deps, principal }, `notice:${params.id}`, 'notice.retry', null, async (tx) => {
        const [before] = await tx.select().from(notices).where(eq(notices.id, params.id)).for('update');
        if (!before) throw notFound('notice-not-found', `没有这条通知：${params.id}`, `No notice ${params.id}`);
        if (before.deliveryStatus !== 'failed')
          throw conflict(
            'notice-not-failed',
            `只能重发发送失败的通知（当前：${before.deliveryStatus}）`,
            `Only a failed notice can be sent again (it is ${before.deliveryStatus})`,
          );
        const [after] = await tx
          .update(notices)
          .set({ deliveryStatus: 'pending', attempts: 0, nextAttemptAt: new Date() })
          .where(eq(notices.id, params.id))
          .returning();
        return { before: present(before), after: present(after!), result: present(after!) };
      });
    },
  });
}
