import { and, asc, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { verifyAuditStream } from '../../../db/audit-verify';
import { readStream } from '../../../db/audit';
import { caseAssignments, caseClocks, cases, caseUnits } from '../../../db/schema/cases';
import type { ClockSnapshot } from '../../../workflows/shared/case-snapshot';
import { caseStateQuery } from '../../../workflows/shared/definitions';
import { recordApplicantRead } from '../../access-audit';
import type { ApiRoutes } from '../../route';
import { cappedCount } from '../../capped-count';
import { cappedPageOf, idParam, pageQuery } from '../../schemas';
import { z } from '../../zod';
import {
  type CaseDetail,
  caseEnvelopeSchema,
  caseDetailSchema,
  auditEntrySchema,
  auditVerdictSchema,
  listQuery,
} from './schemas';
import { caseVisibleTo, envelope, loadVisibleCase } from './access';

export function registerCaseReadRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/cases',
    operationId: 'listCases',
    summary: '案件列表（按流程、状态、单位、颜色、超期筛选）/ List cases with filters',
    tags: ['cases'],
    access: { roles: 'any' },
    query: listQuery,
    response: { schema: cappedPageOf(caseEnvelopeSchema, 'CasePage'), description: '分页结果 / A page of cases' },
    async handler({ query, principal, deps }) {
      const now = new Date();
      const filters: SQL[] = [caseVisibleTo(principal)];
      if (query.process) filters.push(eq(cases.process, query.process));
      if (query.status) filters.push(eq(cases.status, query.status));
      if (query.unitId) filters.push(eq(cases.unitId, query.unitId));
      if (query.colour) filters.push(eq(cases.colour, query.colour));
      if (query.open !== undefined)
        filters.push(query.open ? isNull(cases.closedAt) : sql`${cases.closedAt} is not null`);
      if (query.overdue !== undefined) {
        const overdue = and(isNull(cases.closedAt), lt(cases.deadline, now))!;
        filters.push(query.overdue ? overdue : sql`not (${overdue}) or ${cases.deadline} is null`);
      }
      const where = and(...filters);
      const db = deps.database.db;
      const [rows, counted] = await Promise.all([
        db
          .select()
          .from(cases)
          .where(where)
          .orderBy(desc(cases.createdAt), desc(cases.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        cappedCount(
          db,
          db
            .select({ one: sql`1` })
            .from(cases)
            .where(where)
            .$dynamic(),
          { cap: deps.config.listCountCap, page: query.page, pageSize: query.pageSize },
        ),
      ]);
      return {
        items: rows.map((r) => envelope(r, now)),
        page: query.page,
        pageSize: query.pageSize,
        ...counted,
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/inbox',
    operationId: 'myInbox',
    summary: '我的待办：当前可由我处理的案件 / My inbox: cases I may act on now',
    tags: ['cases'],
    access: { roles: 'any' },
    query: z.strictObject({ ...pageQuery }),
    response: {
      schema: cappedPageOf(caseEnvelopeSchema.extend({ actions: z.array(z.string()) }), 'InboxPage'),
      description: '待办 / Inbox',
    },
    async handler({ query, principal, deps }) {
      const now = new Date();
      const mine = or(
        eq(caseAssignments.userId, principal.userId),
        and(
          eq(caseAssignments.userId, ''),
          eq(caseAssignments.unitId, principal.unitId),
          eq(caseAssignments.role, principal.role),
        ),
      );
      const db = deps.database.db;
      const [rows, counted] = await Promise.all([
        db
          .select({ c: cases, actions: caseAssignments.actions })
          .from(caseAssignments)
          .innerJoin(cases, eq(cases.id, caseAssignments.caseId))
          .where(and(mine, isNull(cases.closedAt)))
          .orderBy(sql`${cases.deadline} asc nulls last`, asc(cases.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        cappedCount(
          db,
          db
            .select({ one: sql`1` })
            .from(caseAssignments)
            .innerJoin(cases, eq(cases.id, caseAssignments.caseId))
            .where(and(mine, isNull(cases.closedAt)))
            .$dynamic(),
          { cap: deps.config.listCountCap, page: query.page, pageSize: query.pageSize },
        ),
      ]);
      return {
        items: rows.map((r) => ({ ...envelope(r.c, now), actions: r.actions })),
        page: query.page,
        pageSize: query.pageSize,
        ...counted,
      };
    },
  });

  routes.add({
    method: 'get',
    path: '/cases/:id',
    operationId: 'getCase',
    summary: '案件详情（投影 + 工作流实时状态）/ Case detail: projection merged with the live workflow query',
    tags: ['cases'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: caseDetailSchema, description: '案件详情 / Case detail' },
    errors: [404],
    async handler({ params, principal, deps, req }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      const db = deps.database.db;
      const [clocks, assignments, units] = await Promise.all([
        db.select().from(caseClocks).where(eq(caseClocks.caseId, row.id)).orderBy(asc(caseClocks.key)),
        db.select().from(caseAssignments).where(eq(caseAssignments.caseId, row.id)),
        db.select().from(caseUnits).where(eq(caseUnits.caseId, row.id)),
      ]);
      let live: CaseDetail['live'] = null;
      let liveError: string | undefined;
      try {
        live = (await deps.temporal.workflow.getHandle(row.id).query(caseStateQuery)) as CaseDetail['live'];
      } catch (err) {
        liveError = err instanceof Error ? err.message : String(err);
      }
      // An approval's applicant (name, phone, masked ID number; the live view has them all) is personal data: the read is audited before it is answered.
      if (row.process === 'approval') await recordApplicantRead(db, req, row.id, live ?? row.data);
      return {
        ...envelope(row, new Date()),
        data: row.data,
        // The projection wrote each clock from the workflow's ClockSnapshot.
        clocks: clocks.map(
          ({ caseId: _c, ...c }) => ({ ...c, deadline: c.deadline?.toISOString() ?? null }) as ClockSnapshot,
        ),
        assignments: assignments.map(({ caseId: _c, ...a }) => a),
        units: units.map(({ caseId: _c, ...u }) => u),
        live,
        ...(liveError ? { liveError } : {}),
        // The process and its live view go together: the query answers with the process's view.
      } as CaseDetail;
    },
  });

  routes.add({
    method: 'get',
    path: '/cases/:id/audit',
    operationId: 'getCaseAudit',
    summary: '案件审计日志（哈希链）/ A case’s hash-chained audit log',
    tags: ['audit'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: z.array(auditEntrySchema), description: '审计条目 / Audit entries' },
    errors: [404],
    async handler({ params, principal, deps }) {
      await loadVisibleCase(deps, principal, params.id);
      const rows = await readStream(deps.database.db, params.id);
      return rows.map(({ id: _id, streamId: _s, ...r }) => ({ ...r, at: r.at.toISOString() }));
    },
  });

  routes.add({
    method: 'get',
    path: '/cases/:id/audit/verify',
    operationId: 'verifyCaseAudit',
    summary: '校验案件审计链是否被篡改 / Verify a case’s audit chain',
    description:
      "重算哈希链，校验每条记录的签名（密钥不在数据库中），并与流程引擎保存的最后一条记录（序号与哈希）比对：指出第一条出问题的记录及类型（edited 被修改、missing 缺失、re-chained 改后重算、unsigned 无签名、truncated 末尾被删）。\n\nRecomputes the hash chain, checks every entry's signature (the key is not in the database) and compares the database with the last entry the workflow engine kept (sequence and hash): names the first broken entry and the kind of break.",
    tags: ['audit'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: auditVerdictSchema, description: '校验结果 / Verdict' },
    errors: [404],
    async handler({ params, principal, deps }) {
      await loadVisibleCase(deps, principal, params.id);
      return verifyAuditStream({ db: deps.database.db, client: deps.temporal, key: deps.auditKey }, params.id);
    },
  });
}
