import { and, count, desc, eq, isNull } from 'drizzle-orm';
import { cases, notices } from '../../../db/schema/cases';
import { NOTICE_KINDS } from '../../../domain/vocabulary';
import { orgUnits } from '../../../db/schema/org';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { pageOf, pageQuery } from '../../schemas';
import { z } from '../../zod';
import { boolQuery } from './schemas';
import { unitVisibleTo, noticeSchema, addressedTo } from './access';

export function registerNoticeRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/notices',
    operationId: 'listNotices',
    summary:
      '通知：督办、红牌、提醒与信息（mine=true 为发给本单位或本人的；否则为本单位或辖区的）/ Notices: mine, or those of my unit or subtree',
    tags: ['cases'],
    access: { roles: 'any' },
    query: z.strictObject({
      caseId: z.string().max(100).optional(),
      unread: boolQuery.optional(),
      kind: z
        .enum(NOTICE_KINDS)
        .optional()
        .openapi({ description: 'overdue 督办（超期）/ urge 督办（催办）/ red-card 红牌 / info 信息与提醒' }),
      mine: boolQuery.optional().openapi({
        description: '只看发给本单位或本人的（通知中心）/ only those addressed to my unit or to me (the notice centre)',
      }),
      ...pageQuery,
    }),
    response: { schema: pageOf(noticeSchema, 'NoticePage'), description: '通知 / Notices' },
    async handler({ query, principal, deps }) {
      const where = and(
        query.mine ? addressedTo(principal) : unitVisibleTo(principal, notices.unitId),
        query.caseId ? eq(notices.caseId, query.caseId) : undefined,
        query.unread ? isNull(notices.readAt) : undefined,
        query.kind ? eq(notices.kind, query.kind) : undefined,
      );
      const db = deps.database.db;
      const [rows, [total]] = await Promise.all([
        db
          .select({ notice: notices, caseTitle: cases.title, process: cases.process, unitName: orgUnits.name })
          .from(notices)
          .leftJoin(cases, eq(cases.id, notices.caseId))
          .leftJoin(orgUnits, eq(orgUnits.id, notices.unitId))
          .where(where)
          .orderBy(desc(notices.createdAt), desc(notices.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(notices).where(where),
      ]);
      return {
        // Delivery state (attempts, gateway errors) is for admins: GET /notice-deliveries.
        items: rows.map(
          ({
            notice: { deliveryStatus: _s, attempts: _a, lastError: _e, nextAttemptAt: _n, deliveredAt: _d, ...n },
            caseTitle,
            process,
            unitName,
          }) => ({
            ...n,
            caseTitle,
            process,
            unitName,
            createdAt: n.createdAt.toISOString(),
            readAt: n.readAt?.toISOString() ?? null,
          }),
        ),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/notices/unread-count',
    operationId: 'countUnreadNotices',
    summary: '发给本单位或本人的未读通知数（铃铛）/ Unread notices addressed to my unit or to me (the bell)',
    tags: ['cases'],
    access: { roles: 'any' },
    response: {
      schema: z.object({ unread: z.number().int() }).openapi('UnreadNotices'),
      description: '未读数 / Unread count',
    },
    async handler({ principal, deps }) {
      const [row] = await deps.database.db
        .select({ n: count() })
        .from(notices)
        .where(and(addressedTo(principal), isNull(notices.readAt)));
      return { unread: row?.n ?? 0 };
    },
  });

  routes.add({
    method: 'post',
    path: '/notices/:id/read',
    operationId: 'markNoticeRead',
    summary: '标记通知已读（发给本单位或本人的）/ Mark a notice addressed to my unit or to me as read',
    tags: ['cases'],
    access: { roles: 'any' },
    params: z.strictObject({ id: z.coerce.number().int().positive() }),
    response: {
      schema: z.object({ id: z.number().int(), readAt: z.string() }).openapi('NoticeRead'),
      description: '已读 / Read',
    },
    errors: [404],
    async handler({ params, principal, deps }) {
      const db = deps.database.db;
      const [row] = await db
        .select({ readAt: notices.readAt })
        .from(notices)
        .where(and(eq(notices.id, params.id), addressedTo(principal)));
      if (!row)
        throw new Problem(
          'notFound',
          { zh: `通知不存在或不是发给您的：${params.id}`, en: `No notice ${params.id} addressed to you` },
          { code: 'notice-not-found' },
        );
      if (row.readAt) return { id: params.id, readAt: row.readAt.toISOString() };
      const [updated] = await db
        .update(notices)
        .set({ readAt: new Date() })
        .where(eq(notices.id, params.id))
        .returning({ readAt: notices.readAt });
      return { id: params.id, readAt: (updated?.readAt ?? new Date()).toISOString() };
    },
  });
}
