import { and, asc, count, desc, eq, like, sql, type SQL } from 'drizzle-orm';
import { auditLog } from '../../db/schema/cases';
import { orgUnits, users } from '../../db/schema/org';
import { ADMIN_ONLY, text } from '../admin';
import type { Principal } from '../auth';
import type { ApiRoutes } from '../route';
import { pageQuery } from '../schemas';
import { z } from '../zod';

/*
 * The configuration audit streams (`admin:org`, `admin:catalogue`, `admin:secondments`, …) as the
 * console reads them: who changed what, when, why, and the record before and after. Case streams
 * are read on the case itself; this lists only `admin:` streams.
 */

const ADMIN_STREAM_PREFIX = 'admin:';

const adminAuditEntrySchema = z
  .object({
    streamId: z.string().openapi({ example: 'admin:org' }),
    seq: z.number().int(),
    at: z.string(),
    actorId: z.string(),
    actorName: z
      .string()
      .nullable()
      .openapi({ description: '操作人姓名（账号已删除时为空）/ the actor’s display name' }),
    actorUnitId: z.string().nullable(),
    actorRole: z.string().nullable(),
    action: z.string().openapi({ example: 'org.user.update' }),
    reason: z.string().nullable(),
    before: z.unknown().openapi({ description: '修改前（新建时为空）/ the record before (null when created)' }),
    after: z.unknown().openapi({ description: '修改后 / the record after' }),
  })
  .openapi('AdminAuditEntry');

/**
 * SQL: entries by actors within the caller's area. An admin of the county sees every entry; an admin
 * placed lower in the tree sees the changes made by people in their own subtree.
 */
function actedWithin(p: Principal): SQL {
  return sql`exists (select 1 from ${orgUnits} u where u.id = ${auditLog.actorUnitId} and (u.path = ${p.unitPath} or u.path like ${`${p.unitPath}/%`}))`;
}

export function registerAdminAuditRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/admin-audit',
    operationId: 'listAdminAudit',
    summary:
      '配置变更审计日志（组织、用户、权责清单、事项、日历、选派等），最新在前 / The configuration audit log (admin:* streams), newest first',
    description:
      '管理员可看本辖区内人员所做的变更；可按审计流、动作、操作人筛选。`streams` 列出所有配置审计流及条数。/ ' +
      'Admins see the changes made by people within their area, filtered by stream, action or actor; `streams` lists every admin stream with its number of entries.',
    tags: ['audit'],
    access: ADMIN_ONLY,
    query: z.strictObject({
      stream: text(100)
        .regex(/^admin:[a-z0-9-]+$/, {
          error: '审计流须为 admin:<领域>，如 admin:org / must be admin:<area>, e.g. admin:org',
        })
        .optional(),
      action: text(100).optional().openapi({ description: '动作前缀，如 org.user / action prefix, e.g. org.user' }),
      actorId: text(100).optional(),
      ...pageQuery,
    }),
    response: {
      schema: z
        .object({
          items: z.array(adminAuditEntrySchema),
          page: z.number().int(),
          pageSize: z.number().int(),
          total: z.number().int(),
          streams: z.array(z.object({ streamId: z.string(), entries: z.number().int() })),
        })
        .openapi('AdminAuditPage'),
      description: '分页结果 / A page of entries',
    },
    errors: [403],
    async handler({ query, principal, deps }) {
      const db = deps.database.db;
      const scope = and(like(auditLog.streamId, `${ADMIN_STREAM_PREFIX}%`), actedWithin(principal));
      const where = and(
        scope,
        query.stream ? eq(auditLog.streamId, query.stream) : undefined,
        query.action ? like(auditLog.action, `${query.action.replace(/[\\%_]/g, '\\$&')}%`) : undefined,
        query.actorId ? eq(auditLog.actorId, query.actorId) : undefined,
      );
      const [rows, [total], streams] = await Promise.all([
        db
          .select({ entry: auditLog, actorName: users.displayName })
          .from(auditLog)
          .leftJoin(users, eq(users.id, auditLog.actorId))
          .where(where)
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(auditLog).where(where),
        db
          .select({ streamId: auditLog.streamId, entries: count() })
          .from(auditLog)
          .where(scope)
          .groupBy(auditLog.streamId)
          .orderBy(asc(auditLog.streamId)),
      ]);
      return {
        items: rows.map(({ entry: e, actorName }) => ({
          streamId: e.streamId,
          seq: e.seq,
          at: e.at.toISOString(),
          actorId: e.actorId,
          actorName,
          actorUnitId: e.actorUnitId,
          actorRole: e.actorRole,
          action: e.action,
          reason: e.reason,
          before: e.before ?? null,
          after: e.after ?? null,
        })),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
        streams,
      };
    },
  });
}
