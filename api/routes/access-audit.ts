import { and, count, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { ACCESS_KINDS, accessAudit } from '../../db/schema/access-audit';
import type { ApiRoutes } from '../route';
import { pageOf, pageQuery } from '../schemas';
import { z } from '../zod';

const entrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: z.enum(ACCESS_KINDS),
    userId: z.string().nullable(),
    username: z.string().nullable(),
    role: z.string().nullable(),
    unitId: z.string().nullable(),
    ip: z.string().nullable(),
    method: z.string(),
    path: z.string(),
    status: z.number().int(),
    requestId: z.string().nullable(),
    subject: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()),
  })
  .openapi('AccessAuditEntry');

const instant = z.iso.datetime({ offset: true });

export function registerAccessAuditRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/access-audit',
    operationId: 'listAccessAudit',
    summary:
      '访问审计：登录、登录失败、401/403 拒绝、个人信息查阅（仅安全审计员）/ Access audit: sign-ins, failed sign-ins, 401/403 refusals, reads of personal data (auditors only)',
    description:
      '新的在前。kind 区分：login 登录、login-failed 登录失败、unauthenticated 未认证（401）、forbidden 越权（403）、personal-data-read 查阅个人信息（subject 为案件号或 users，detail 列出字段与脱敏证件号）。/ Newest first; filter by kind, user, subject and time.',
    tags: ['audit'],
    access: { roles: ['auditor'] },
    query: z.strictObject({
      kind: z.enum(ACCESS_KINDS).optional(),
      userId: z.string().max(100).optional().openapi({ description: '用户 ID / user id' }),
      subject: z.string().max(100).optional().openapi({ description: '案件号等 / a case id, or `users`' }),
      from: instant.optional().openapi({ description: '起（含）/ from, inclusive (ISO 8601)' }),
      to: instant.optional().openapi({ description: '止（不含）/ to, exclusive (ISO 8601)' }),
      ...pageQuery,
    }),
    response: { schema: pageOf(entrySchema, 'AccessAuditPage'), description: '访问审计记录 / Access-audit entries' },
    async handler({ query, deps }) {
      const filters: (SQL | undefined)[] = [
        query.kind ? eq(accessAudit.kind, query.kind) : undefined,
        query.userId ? eq(accessAudit.userId, query.userId) : undefined,
        query.subject ? eq(accessAudit.subject, query.subject) : undefined,
        query.from ? gte(accessAudit.at, new Date(query.from)) : undefined,
        query.to ? lt(accessAudit.at, new Date(query.to)) : undefined,
      ];
      const where = and(...filters);
      const db = deps.database.db;
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(accessAudit)
          .where(where)
          .orderBy(desc(accessAudit.at), desc(accessAudit.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(accessAudit).where(where),
      ]);
      return {
        items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
      };
    },
  });
}
