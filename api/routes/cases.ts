import { and, asc, count, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { verifyAuditStream } from '../../activities/audit';
import { readStream } from '../../db/audit';
import { ANCHOR_CHECKS, CHAIN_BREAKS } from '../../domain/audit-verdict';
import {
  caseAssignments,
  caseClocks,
  cases,
  caseUnits,
  CLOCK_KINDS,
  CLOCK_LEVELS,
  NOTICE_KINDS,
  notices,
} from '../../db/schema/cases';
import { orgUnits } from '../../db/schema/org';
import { approvalViewSchema } from '../../workflows/approval/contract';
import { assessmentViewSchema } from '../../workflows/assessment/contract';
import { incidentViewSchema } from '../../workflows/incident/contract';
import type { ClockSnapshot } from '../../workflows/shared/case-snapshot';
import { caseStateQuery } from '../../workflows/shared/definitions';
import { partViewSchema, summonsViewSchema } from '../../workflows/summons/contract';
import { taskViewSchema } from '../../workflows/task/contract';
import type { Principal } from '../auth';
import { isWithin, SUBTREE_ROLES } from '../authz';
import { findUnit } from '../../db/units';
import type { AppDeps } from '../deps';
import { Problem } from '../problem';
import { recordApplicantRead } from '../access-audit';
import type { ApiRoutes } from '../route';
import { clockLevelSchema, clockWithLedgerSchema, idParam, pageOf, pageQuery, processSchema } from '../schemas';
import { z } from '../zod';
import { timeStage } from '../../runtime/stage-timing';

type CaseDetail = z.infer<typeof caseDetailSchema>;

export const caseEnvelopeSchema = z
  .object({
    id: z.string().openapi({ example: 'RW-2026-000001' }),
    process: processSchema,
    title: z.string(),
    status: z.string(),
    currentStep: z.string().nullable(),
    level: z.number().int().nullable(),
    unitId: z.string(),
    ownerUnitId: z.string(),
    colour: clockLevelSchema,
    deadline: z.string().nullable().openapi({
      description:
        '最近的在计时期限（当前环节时限、受理审查期限等），颜色按它计 / the nearest running deadline (a step limit, a pre-check period, …), which the colour follows',
    }),
    caseDeadline: z.string().nullable().openapi({
      description:
        '案件本身的期限：审批为承诺期限（受理前为空），其他流程同 deadline / the case’s own deadline: an approval’s promised limit (null before acceptance); other processes: as deadline',
    }),
    stepDeadline: z.string().nullable().openapi({ description: '当前环节时限 / the current step’s own limit' }),
    clockKind: z.enum(CLOCK_KINDS).openapi({
      description:
        'deadline 与颜色所依据的时限类别：case 案件时限；pre-acceptance 受理前的受理审查/补正期限 / what deadline and colour follow: the case’s limits, or an approval’s pre-acceptance periods',
    }),
    overdue: z.boolean(),
    calendarWarnings: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('CaseEnvelope');

const caseDetailBase = caseEnvelopeSchema.extend({
  data: z.record(z.string(), z.unknown()).openapi({
    description:
      '投影中的流程摘要（随流程不同；完整状态见 live）/ the projection’s process summary; the typed state is `live`',
  }),
  clocks: z.array(clockWithLedgerSchema),
  assignments: z.array(
    z.object({ unitId: z.string(), role: z.string(), userId: z.string(), actions: z.array(z.string()) }),
  ),
  units: z.array(z.object({ unitId: z.string(), relation: z.string() })),
  liveError: z.string().optional(),
});
const liveOf = <T extends z.ZodType>(view: T) =>
  view.nullable().openapi({ description: '工作流实时状态（查询）/ live workflow state from a Temporal query' });

/** A case with its live state, typed by its process (a summons case is a whistle or one unit's part). */
const caseDetailSchema = z
  .discriminatedUnion('process', [
    caseDetailBase.extend({ process: z.literal('task'), live: liveOf(taskViewSchema) }),
    caseDetailBase.extend({ process: z.literal('approval'), live: liveOf(approvalViewSchema) }),
    caseDetailBase.extend({ process: z.literal('incident'), live: liveOf(incidentViewSchema) }),
    caseDetailBase.extend({
      process: z.literal('summons'),
      live: liveOf(z.union([summonsViewSchema, partViewSchema])),
    }),
    caseDetailBase.extend({ process: z.literal('assessment'), live: liveOf(assessmentViewSchema) }),
  ])
  .openapi('CaseDetail');

const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    actorId: z.string(),
    actorUnitId: z.string().nullable(),
    actorRole: z.string().nullable(),
    action: z.string(),
    reason: z.string().nullable(),
    before: z.unknown(),
    after: z.unknown(),
    at: z.string(),
    prevHash: z.string(),
    hash: z.string(),
    mac: z.string().nullable().openapi({
      description:
        '条目哈希的签名（HMAC-SHA256，密钥不在数据库中）/ Signature of the hash (HMAC-SHA256, key not in the database)',
    }),
  })
  .openapi('AuditEntry');

/** The answer of an audit verify (domain/audit-chain.ts `ChainVerdict`). */
export const auditVerdictSchema = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    head: z.string().optional(),
    brokenAtSeq: z
      .number()
      .int()
      .optional()
      .openapi({ description: '第一条出问题的记录序号 / The first broken entry' }),
    kind: z.enum(CHAIN_BREAKS).optional().openapi({ description: '破坏类型 / Kind of break' }),
    problem: z.string().optional().openapi({ description: '发现问题的校验项 / Which check found it' }),
    signed: z.boolean().openapi({ description: '是否校验了签名 / Whether signatures were checked' }),
    anchor: z
      .enum(ANCHOR_CHECKS)
      .openapi({ description: '与流程引擎的锚点比对 / Comparison with the engine’s anchor' }),
    message: z.object({ zh: z.string(), en: z.string() }),
  })
  .openapi('AuditVerdict');

const boolQuery = z.enum(['true', 'false']).transform((v) => v === 'true');

const listQuery = z.strictObject({
  process: processSchema.optional(),
  status: z.string().max(50).optional(),
  unitId: z.string().max(100).optional(),
  colour: z.enum(CLOCK_LEVELS).optional(),
  overdue: boolQuery.optional(),
  open: boolQuery.optional(),
  ...pageQuery,
});

/** SQL: a unit id the caller may see (their unit, or their subtree for supervising roles). */
function unitVisibleTo(principal: Principal, unitId: SQL | typeof notices.unitId): SQL {
  if (!SUBTREE_ROLES.includes(principal.role)) return sql`${unitId} = ${principal.unitId}`;
  return sql`exists (select 1 from ${orgUnits} where ${orgUnits.id} = ${unitId}
    and (${orgUnits.path} = ${principal.unitPath} or ${orgUnits.path} like ${`${principal.unitPath}/%`}))`;
}

const noticeSchema = z
  .object({
    id: z.number().int(),
    caseId: z.string(),
    kind: z.enum(NOTICE_KINDS),
    unitId: z.string(),
    recipientUserId: z.string().nullable(),
    message: z.string(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
    caseTitle: z.string().nullable(),
    process: processSchema.nullable(),
    unitName: z.string().nullable(),
  })
  .openapi('Notice');

/** SQL: a notice addressed to the caller: to its unit, or to it by name (a unit's leader). */
function addressedTo(principal: Principal): SQL {
  return or(eq(notices.unitId, principal.unitId), eq(notices.recipientUserId, principal.userId))!;
}

/** SQL: the caller may see this case (its unit is involved, or lies in the caller's subtree). */
export function caseVisibleTo(principal: Principal): SQL {
  // The county's supervisors see every case: skip the per-case unit check (it dominates county-wide lists).
  if (SUBTREE_ROLES.includes(principal.role) && principal.unitIsSoleRoot) return sql`true`;
  const subtree = SUBTREE_ROLES.includes(principal.role)
    ? sql`or ${orgUnits.path} = ${principal.unitPath} or ${orgUnits.path} like ${`${principal.unitPath}/%`}`
    : sql``;
  return sql`exists (select 1 from ${caseUnits} join ${orgUnits} on ${orgUnits.id} = ${caseUnits.unitId}
    where ${caseUnits.caseId} = ${cases.id} and (${caseUnits.unitId} = ${principal.unitId} ${subtree}))`;
}

function envelope(row: typeof cases.$inferSelect, now: Date) {
  return {
    id: row.id,
    process: row.process,
    title: row.title,
    status: row.status,
    currentStep: row.currentStep,
    level: row.level,
    unitId: row.unitId,
    ownerUnitId: row.ownerUnitId,
    colour: row.colour,
    deadline: row.deadline?.toISOString() ?? null,
    caseDeadline: row.caseDeadline?.toISOString() ?? null,
    stepDeadline: row.stepDeadline?.toISOString() ?? null,
    clockKind: row.clockKind,
    overdue: !row.closedAt && !!row.deadline && row.deadline < now,
    calendarWarnings: row.calendarWarnings,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/** Load a case the caller may see, or throw 404 (a case in another unit is not revealed). */
export async function loadVisibleCase(deps: AppDeps, principal: Principal, id: string) {
  const [row] = await timeStage('api.case-lookup', () =>
    deps.database.db
      .select()
      .from(cases)
      .where(and(eq(cases.id, id), caseVisibleTo(principal))),
  );
  if (!row)
    throw new Problem(
      'notFound',
      { zh: `案件不存在或无权查看：${id}`, en: `No case ${id}, or you may not see it` },
      { code: 'case-not-found' },
    );
  return row;
}

/**
 * Whether the caller may 督办 this case as its supervisor (DOMAIN §3, issue 15): a supervisor whose
 * subtree holds the responsible unit, on an open case past its deadline. Workflows take the API's
 * word for it (`oversight` on the action input), as they do for the caller's identity.
 */
export async function overseesOverdueCase(
  deps: AppDeps,
  principal: Principal,
  row: typeof cases.$inferSelect,
): Promise<boolean> {
  if (principal.role !== 'supervisor' || row.closedAt || !row.deadline || row.deadline.getTime() >= Date.now())
    return false;
  const unit = await findUnit(deps.database.db, row.unitId);
  return !!unit && isWithin(unit.path, principal.unitPath);
}

export function registerCaseRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/cases',
    operationId: 'listCases',
    summary: '案件列表（按流程、状态、单位、颜色、超期筛选）/ List cases with filters',
    tags: ['cases'],
    access: { roles: 'any' },
    query: listQuery,
    response: { schema: pageOf(caseEnvelopeSchema, 'CasePage'), description: '分页结果 / A page of cases' },
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
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(cases)
          .where(where)
          .orderBy(desc(cases.createdAt), desc(cases.id))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(cases).where(where),
      ]);
      return {
        items: rows.map((r) => envelope(r, now)),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
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
      schema: pageOf(caseEnvelopeSchema.extend({ actions: z.array(z.string()) }), 'InboxPage'),
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
      const rows = await db
        .select({ c: cases, actions: caseAssignments.actions })
        .from(caseAssignments)
        .innerJoin(cases, eq(cases.id, caseAssignments.caseId))
        .where(and(mine, isNull(cases.closedAt)))
        .orderBy(sql`${cases.deadline} asc nulls last`, asc(cases.id))
        .limit(query.pageSize)
        .offset((query.page - 1) * query.pageSize);
      const [total] = await db
        .select({ n: count() })
        .from(caseAssignments)
        .innerJoin(cases, eq(cases.id, caseAssignments.caseId))
        .where(and(mine, isNull(cases.closedAt)));
      return {
        items: rows.map((r) => ({ ...envelope(r.c, now), actions: r.actions })),
        page: query.page,
        pageSize: query.pageSize,
        total: total?.n ?? 0,
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
