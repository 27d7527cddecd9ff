import { and, asc, eq, isNull, or, sql } from 'drizzle-orm';
import { loadIncidentSettings } from '../../db/incident';
import { caseAssignments, cases } from '../../db/schema/cases';
import type { OrgUnit } from '../../db/schema/org';
import { summonsDepartments } from '../../db/schema/summons';
import {
  planWhistle,
  recordWhistleRefusal,
  resolveSummonedUnits,
  summonsDepartmentStats,
  townshipWhistleStats,
} from '../../db/summons';
import { findUnit } from '../../db/units';
import { COMPLEXITIES, RATINGS, SUMMONS_URGENCIES, totalDisputedMs } from '../../domain/summons';
import type { WhistleViolation } from '../../domain/summons';
import { incidentActionUpdate } from '../../workflows/incident/definitions';
import {
  partActionRequestSchema,
  partViewSchema,
  summonsActionSchema,
  summonsViewSchema,
} from '../../workflows/summons/contract';
import {
  PART_STATUSES,
  partActionUpdate,
  partCaseId,
  summonsActionUpdate,
  summonsCase,
  summonsPartCase,
  type PartAction,
  type PartView,
  type StartSummonsInput,
  type SummonsView,
} from '../../workflows/summons/definitions';
import { notFound, refuse, text } from '../admin';
import type { Principal } from '../auth';
import { canSeeUnit, isWithin } from '../authz';
import { calendarFor, newCaseId, requireDeadlineComputable, startCase } from '../case-start';
import type { AppDeps } from '../deps';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam } from '../schemas';
import { actOnCase, ENGINE_ANSWER_TIMEOUT_MS, withEngineDeadline, withTemporal } from '../temporal';
import { z } from '../zod';
import { evidenceFiles } from './attachments';
import { loadVisibleCase } from './cases';
import { actorOf } from './tasks';

const unitIdText = text(100);

/** Body of POST /summons (the console types its whistle form with it). */
export const whistleBody = z
  .strictObject({
    title: text(200).openapi({ example: '废品收购站占道堆放、噪声扰民' }),
    description: text(4000),
    reasonCode: text(40).openapi({
      description: '吹哨事由（允许的事由之一，见 /summons-config）/ an allowed reason code',
      example: 'multi-department',
    }),
    urgency: z
      .enum(SUMMONS_URGENCIES)
      .default('normal')
      .openapi({ description: '一般 normal（24 小时报到）/ 紧急 urgent（2 小时）/ 特急 critical（30 分钟）' }),
    complexity: z.enum(COMPLEXITIES).default('simple').openapi({
      description: '简单：当日反馈结果；复杂：10 个工作日内 / simple: same working day; complex: ≤10 working days',
    }),
    unitIds: z
      .array(unitIdText)
      .min(1)
      .max(20)
      .refine((ids) => new Set(ids).size === ids.length, '不得重复召集同一单位 / no unit twice')
      .openapi({ description: '召集的县直部门或本乡镇派驻机构 / departments or this township’s dispatched agencies' }),
    powerItemCodes: z
      .array(text(40))
      .max(50)
      .default([])
      .openapi({ description: '事项涉及的权责清单编码 / power-list codes the matter falls under' }),
    withinCapacity: z
      .boolean()
      .default(false)
      .openapi({ description: '乡镇是否有能力自行处置 / whether the township can handle it with its own forces' }),
    keyTask: text(200)
      .optional()
      .openapi({ description: '所服务的重点工作（事由为重点工作时必填）/ the key task, for reason key-task' }),
    categoryCode: text(40).optional().openapi({
      description: '事项类别（用于判断是否明显属单一部门日常职责）；从事件吹哨时取事件类别 / incident category',
    }),
    incidentId: text(100).optional().openapi({
      description:
        '从三级（乡镇）事件吹哨：事件等待吹哨结果后继续 / raise from an L3 incident, which waits for the outcome',
    }),
  })
  .openapi('Whistle');

const partParams = z.strictObject({ id: z.string().min(1).max(100), unitId: unitIdText });

/** One summoned unit's part as stored (the read model behind the inbox and the statistics; instants as ISO strings). */
const departmentRowSchema = z
  .object({
    caseId: z.string(),
    summonsId: z.string(),
    seq: z.number().int(),
    unitId: z.string(),
    unitKind: z.string(),
    departmentId: z.string(),
    townshipId: z.string(),
    townshipPath: z.string(),
    replacesCaseId: z.string().nullable(),
    status: z.string(),
    outcome: z.string().nullable(),
    urgencyCode: z.string(),
    notifiedAt: z.string(),
    ackDeadline: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
    ackOnTime: z.boolean().nullable(),
    onSiteAt: z.string().nullable(),
    resultDeadline: z.string().nullable(),
    resultReportedAt: z.string().nullable(),
    resultOnTime: z.boolean().nullable(),
    sendBacks: z.number().int(),
    acceptedAt: z.string().nullable(),
    missCount: z.number().int(),
    redCard: z.boolean(),
    redCardAt: z.string().nullable(),
    disputeCount: z.number().int(),
    disputedMs: z.number(),
    rating: z.enum(RATINGS).nullable(),
    ratingComment: z.string().nullable(),
    ratedBy: z.string().nullable(),
    ratedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
  })
  .openapi('SummonsDepartment');

/**
 * GET /summons/:id and the whistle's actions: the whistle with each unit's part as stored. A
 * summoned unit sees only the public part (no approval, summary, history or assignments) and its own part.
 */
const summonsDetailSchema = summonsViewSchema
  .partial({ whistledBy: true, approval: true, summary: true, history: true, assignments: true })
  .extend({
    departments: z
      .array(departmentRowSchema)
      .openapi({ description: '各单位报到情况（读模型）/ each unit’s part as stored' }),
  })
  .openapi('SummonsDetail', {
    description:
      '吹哨实时状态；被召集单位只看到公开部分和本单位的报到 / live state of a whistle; a summoned unit sees the public part and its own part only',
  });

/** One item of GET /summons/inbox. */
export const inboxItemSchema = z
  .object({
    caseId: z.string(),
    summonsId: z.string(),
    title: z.string(),
    townshipId: z.string(),
    status: z.enum(PART_STATUSES),
    urgency: z.string(),
    notifiedAt: z.string(),
    ackDeadline: z.string().nullable(),
    resultDeadline: z.string().nullable(),
    deadline: z.string().nullable().openapi({ description: '当前计时的期限 / the running limit’s deadline' }),
    remainingMs: z.number().nullable().openapi({
      description: '距当前期限的毫秒数（负数为已超期）/ ms to the running deadline; negative when overdue',
    }),
    colour: z.string(),
    redCard: z.boolean(),
    misses: z.number().int(),
    actions: z.array(z.string()),
  })
  .openapi('SummonsInboxItem');

const instant = z.iso.datetime({ offset: true });
const rateSchema = z.number().nullable();
/** Response of GET /summons/stats. */
export const statsSchema = z
  .object({
    from: z.string(),
    to: z.string(),
    unitId: z.string(),
    departments: z.array(
      z.object({
        unitId: z.string(),
        unitName: z.string(),
        unitKind: z.string(),
        departmentId: z.string(),
        received: z.number().int(),
        acknowledged: z.number().int(),
        ackOnTime: z.number().int(),
        ackOnTimeRate: rateSchema,
        resultsReported: z.number().int(),
        resultOnTime: z.number().int(),
        resultOnTimeRate: rateSchema,
        accepted: z.number().int(),
        sendBacks: z.number().int(),
        misses: z.number().int(),
        redCards: z.number().int(),
        disputes: z.number().int(),
        disputesUpheld: z.number().int(),
        disputedMs: z.number(),
        disputedHours: z.number(),
        ratings: z.object({ satisfied: z.number().int(), basic: z.number().int(), unsatisfied: z.number().int() }),
        satisfactionRate: rateSchema,
      }),
    ),
    townships: z.array(
      z.object({
        townshipId: z.string(),
        townshipName: z.string(),
        whistles: z.number().int(),
        approved: z.number().int(),
        rejectedByLeader: z.number().int(),
        refusedByRule: z.number().int(),
        closed: z.number().int(),
        fromIncidents: z.number().int(),
        l3Incidents: z.number().int(),
        whistleRate: rateSchema.openapi({ description: '吹哨率：从事件吹哨（已批准）数 / 升至三级的事件数' }),
      }),
    ),
  })
  .openapi('SummonsStats');

const TOWNSHIP_KINDS: readonly OrgUnit['kind'][] = ['township', 'street'];

function whistleRefusal(v: WhistleViolation): Problem {
  return refuse(v.code, v.zh, v.en, { ruleCode: v.ruleCode });
}

/** The county command centre (arbiter of disputes) acts countywide: its scope is its parent's subtree. */
async function scopeOf(deps: AppDeps, principal: Principal): Promise<string> {
  const settings = await loadIncidentSettings(deps.database.db);
  if (principal.unitId !== settings.commandCentreUnitId) return principal.unitPath;
  return principal.unitPath.split('/').slice(0, -1).join('/') || principal.unitPath;
}

/** An L3 incident of the caller's township that may blow the whistle now, or the refusal. */
async function whistlingIncident(deps: AppDeps, principal: Principal, incidentId: string) {
  const row = await loadVisibleCase(deps, principal, incidentId);
  if (row.process !== 'incident')
    throw notFound('case-not-found', `不是事件：${incidentId}`, `${incidentId} is not an incident`);
  if (row.level !== 3 || row.ownerUnitId !== principal.unitId) {
    throw refuse(
      'whistle-level',
      '只有本乡镇（街道）在三级处置的事件才能吹哨',
      'Only an event at L3 in your own township can blow the whistle',
    );
  }
  if (row.status !== 'dispatched' && row.status !== 'handling') {
    throw new Problem(
      'conflict',
      {
        zh: `事件当前状态为“${row.currentStep ?? row.status}”，不能吹哨`,
        en: `The incident is ${row.status}; it cannot blow the whistle now`,
      },
      { code: 'wrong-state' },
    );
  }
  const category = (row.data as { category?: { code?: string } }).category?.code ?? null;
  return { row, category };
}

/** Wait until each part has its opening transition in PostgreSQL, so callers (and liaisons) read it at once. */
async function partsOpened(deps: AppDeps, caseIds: readonly string[]): Promise<void> {
  await Promise.all(
    caseIds.map((id) =>
      withTemporal(id, () =>
        withEngineDeadline(deps.temporal, () =>
          deps.temporal.workflow.getHandle(id).executeUpdate(summonsPartCase.opened),
        ),
      ),
    ),
  );
}

/**
 * A re-summoned part is started by the summons once the disputed part has ended: wait (briefly)
 * until it exists and is open, so the ruling's answer can show it.
 */
async function resummonedPart(deps: AppDeps, caseId: string): Promise<PartView | null> {
  for (let i = 0; i < 50; i += 1) {
    try {
      return await deps.temporal.workflow.getHandle(caseId).executeUpdate(summonsPartCase.opened);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return null;
}

/** A finished case takes no more actions: a 409 saying so, rather than the engine's "not found". */
function requireOpen(row: { id: string; closedAt: Date | null; currentStep: string | null }): void {
  if (row.closedAt)
    throw new Problem(
      'conflict',
      {
        zh: `案件已结束（${row.currentStep ?? ''}），不能再办理：${row.id}`,
        en: `Case ${row.id} has ended; no more actions`,
      },
      { code: 'case-closed' },
    );
}

/** A row as JSON carries it: instants become ISO strings. */
type Jsonified<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/** The stored parts of a whistle: every unit's, or only `unitId`'s. */
async function departmentsOf(deps: AppDeps, summonsId: string, unitId?: string) {
  const rows = await deps.database.db
    .select()
    .from(summonsDepartments)
    .where(
      and(
        eq(summonsDepartments.summonsId, summonsId),
        unitId === undefined ? undefined : eq(summonsDepartments.unitId, unitId),
      ),
    )
    .orderBy(asc(summonsDepartments.notifiedAt), asc(summonsDepartments.caseId));
  return rows.map(
    (r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as Jsonified<
        typeof r
      >,
  );
}

/**
 * Close a whistle. A part writes its end before the whistle's workflow takes in its result, which
 * arrives in the whistle's next workflow task (later still while the engine catches up after an
 * outage, or while the whistle is busy writing), and the engine checks an action before it applies
 * results that came with it. So for a moment the records show every part ended while the whistle
 * still counts one open. A close refused in that moment is tried again until the whistle has caught
 * up (no new try once the engine's answer deadline has passed since the first); one refused for a
 * part the records also show open is answered at once.
 */
async function closeWhenPartsEnded<T>(deps: AppDeps, summonsId: string, close: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + ENGINE_ANSWER_TIMEOUT_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await close();
    } catch (err) {
      if (!(err instanceof Problem) || err.extra.code !== 'summons-parts-open' || Date.now() >= giveUpAt) throw err;
      const open = await deps.database.db
        .select({ caseId: summonsDepartments.caseId })
        .from(summonsDepartments)
        .where(and(eq(summonsDepartments.summonsId, summonsId), isNull(summonsDepartments.endedAt)))
        .limit(1);
      if (open.length > 0) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}

async function loadWhistle(deps: AppDeps, principal: Principal, id: string) {
  const row = await loadVisibleCase(deps, principal, id);
  if (row.process !== 'summons' || (row.data as { kind?: string }).kind !== 'summons')
    throw notFound('case-not-found', `不是吹哨：${id}`, `${id} is not a whistle`);
  return row;
}

/**
 * What a summoned unit sees of a whistle addressed to it (it is not among the whistle's units, so
 * `loadWhistle` does not reveal it): the public part — title, description, reason, urgency,
 * township, status — and its own part, never the other units' parts, the approval or the history.
 * Null when the caller's unit has no part in this whistle.
 */
async function whistleForSummonedUnit(deps: AppDeps, principal: Principal, id: string) {
  const departments = await departmentsOf(deps, id, principal.unitId);
  if (departments.length === 0) return null;
  const [row] = await deps.database.db.select().from(cases).where(eq(cases.id, id));
  if (!row || row.process !== 'summons' || (row.data as { kind?: string }).kind !== 'summons') return null;
  const v = row.data as unknown as SummonsView;
  return {
    caseId: v.caseId,
    status: v.status,
    statusLabel: v.statusLabel,
    title: v.title,
    description: v.description,
    reason: v.reason,
    urgency: v.urgency,
    complexity: v.complexity,
    keyTask: v.keyTask,
    townshipId: v.townshipId,
    incidentId: v.incidentId,
    closedAt: v.closedAt,
    parts: v.parts.filter((p) => p.unit.unitId === principal.unitId),
    departments,
  };
}

async function loadPart(deps: AppDeps, principal: Principal, summonsId: string, unitId: string) {
  const id = partCaseId(summonsId, unitId);
  const row = await loadVisibleCase(deps, principal, id);
  if (row.process !== 'summons' || (row.data as { kind?: string }).kind !== 'summons-part')
    throw notFound('case-not-found', `不是部门报到：${id}`, `${id} is not a summons part`);
  return row;
}

export function registerSummonsRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/summons',
    operationId: 'blowWhistle',
    summary: '吹哨：召集县直部门或派驻机构报到 / Blow the whistle: summon departments or dispatched agencies',
    description:
      '乡镇（街道）指挥员吹哨，可独立吹哨或从本乡镇三级事件吹哨（事件等待吹哨结果后继续）。按吹哨规则和乡镇权责清单检查，被拒绝时写明规则（ruleCode）；通过后须经乡镇领导批准才发出。/ A township dispatcher blows the whistle, standalone or from an L3 incident. Checked against the whistle rules and the township’s power list (a refusal names the rule); sent only after a township leader approves.',
    tags: ['summons'],
    access: { roles: ['dispatcher'] },
    body: whistleBody,
    response: {
      status: 201,
      schema: summonsViewSchema,
      description: '已吹哨，待领导审批 / Blown, awaiting the leader',
    },
    errors: [403, 404, 409, 422, 503],
    async handler({ body, principal, deps, idempotency }) {
      const db = deps.database.db;
      const township = await findUnit(db, principal.unitId);
      if (!township || !TOWNSHIP_KINDS.includes(township.kind)) {
        throw new Problem(
          'forbidden',
          { zh: '只有乡镇（街道）指挥员可以吹哨', en: 'Only a township (street) dispatcher can blow the whistle' },
          { code: 'whistle-township-only' },
        );
      }
      const incident = body.incidentId ? await whistlingIncident(deps, principal, body.incidentId) : null;
      const planned = await planWhistle(db, {
        township,
        reasonCode: body.reasonCode,
        urgency: body.urgency,
        complexity: body.complexity,
        unitIds: body.unitIds,
        powerItemCodes: body.powerItemCodes,
        withinCapacity: body.withinCapacity,
        keyTask: body.keyTask ?? null,
        categoryCode: incident?.category ?? body.categoryCode ?? null,
      });
      if (!planned.ok) {
        if (planned.violation.code.startsWith('whistle-')) {
          await recordWhistleRefusal(db, {
            townshipId: township.id,
            incidentId: body.incidentId ?? null,
            ruleCode: planned.violation.ruleCode,
            reasonCode: body.reasonCode,
            userId: principal.userId,
            at: new Date(),
          });
        }
        throw whistleRefusal(planned.violation);
      }
      const { plan } = planned;
      const calendar = await calendarFor(deps, township);
      const now = Date.now();
      requireDeadlineComputable(calendar, plan.limits.response, now);
      const caseId = await newCaseId({ deps, idempotency }, 'summons', now);
      const input: StartSummonsInput = {
        caseId,
        title: body.title,
        description: body.description,
        reason: plan.reason,
        urgency: body.urgency,
        complexity: body.complexity,
        keyTask: body.keyTask ?? null,
        powerItemCodes: body.powerItemCodes,
        withinCapacity: body.withinCapacity,
        township: { unitId: township.id, path: township.path, name: township.name },
        incidentId: body.incidentId ?? null,
        units: plan.units,
        dispatcher: { unitId: township.id, role: 'dispatcher' },
        approvers: plan.approvers,
        arbiter: plan.arbiter,
        limits: plan.limits,
        whistledBy: actorOf(principal),
        calendar,
      };
      if (!incident) return startCase(deps, summonsCase, caseId, input);
      // The incident starts the whistle as its child and waits for it.
      const incidentId = incident.row.id;
      // The whistle's Update id is its case number: a retried request reusing that number whistles once.
      await actOnCase(
        deps.temporal,
        incidentId,
        incidentActionUpdate,
        { actor: actorOf(principal), action: { type: 'whistle', summons: input } },
        `whistle:${caseId}`,
      );
      return withTemporal(caseId, () =>
        withEngineDeadline(deps.temporal, () =>
          deps.temporal.workflow.getHandle(caseId).executeUpdate(summonsCase.opened),
        ),
      );
    },
  });

  routes.add({
    method: 'post',
    path: '/summons/:id/actions',
    operationId: 'actOnSummons',
    summary: '吹哨审批与办结：批准 / 不予批准（乡镇领导）/ 办结（乡镇指挥员）/ Approve, reject or close a whistle',
    description:
      '批准后向各单位发出召集（每个单位一个子流程）；办结须各单位均已验收评价、异议成立或撤回（事不完、人不撤）。被拒绝的操作不改变案件。/ Approval sends the summons (one child workflow per unit); closing needs every part ended.',
    tags: ['summons'],
    access: { roles: ['supervisor', 'dispatcher'] },
    params: idParam,
    body: summonsActionSchema,
    response: { schema: summonsDetailSchema, description: '办理后的吹哨 / The whistle after the action' },
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps, idempotency }) {
      const row = await loadWhistle(deps, principal, params.id);
      requireOpen(row);
      const act = () =>
        actOnCase(
          deps.temporal,
          params.id,
          summonsActionUpdate,
          { actor: actorOf(principal), action: body },
          idempotency?.updateId,
        );
      const view = body.type === 'close' ? await closeWhenPartsEnded(deps, params.id, act) : await act();
      if (body.type === 'approve')
        await partsOpened(
          deps,
          view.parts.map((p) => p.caseId),
        );
      return { ...view, departments: await departmentsOf(deps, params.id) };
    },
  });

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

  routes.add({
    method: 'get',
    path: '/summons/:id',
    operationId: 'getSummons',
    summary: '吹哨详情（含各单位报到情况）/ A whistle with every unit’s part',
    description:
      '乡镇、县综合指挥中心及其上级可见全部；被召集的单位只看到吹哨的公开部分（标题、事由、紧急程度、乡镇、状态）和本单位的部分，看不到其他单位的部分。/ The township, the command centre and their superiors see everything; a summoned unit sees the whistle’s public part and its own part only.',
    tags: ['summons'],
    access: { roles: 'any' },
    params: idParam,
    response: { schema: summonsDetailSchema, description: '吹哨 / The whistle' },
    errors: [404],
    async handler({ params, principal, deps }) {
      let row: Awaited<ReturnType<typeof loadWhistle>>;
      try {
        row = await loadWhistle(deps, principal, params.id);
      } catch (err) {
        const summoned =
          err instanceof Problem && err.extra.code === 'case-not-found'
            ? await whistleForSummonedUnit(deps, principal, params.id)
            : null;
        if (summoned) return summoned;
        throw err;
      }
      const { kind: _k, ...data } = row.data as Record<string, unknown>;
      return { ...(data as unknown as SummonsView), departments: await departmentsOf(deps, params.id) };
    },
  });

  routes.add({
    method: 'get',
    path: '/summons/:id/departments/:unitId',
    operationId: 'getSummonsPart',
    summary: '某单位的报到情况（实时）/ One unit’s part, live',
    tags: ['summons'],
    access: { roles: 'any' },
    params: partParams,
    response: { schema: partViewSchema, description: '部门报到 / The part' },
    errors: [404, 503],
    async handler({ params, principal, deps }) {
      const row = await loadPart(deps, principal, params.id, params.unitId);
      const view = await withTemporal(row.id, () =>
        deps.temporal.workflow.getHandle(row.id).query(summonsPartCase.state),
      );
      // A query answers as of the workflow's last task: count a pending dispute up to now.
      return { ...view, disputedMs: totalDisputedMs(view.disputes, Date.now()) };
    },
  });

  routes.add({
    method: 'post',
    path: '/summons/:id/departments/:unitId/actions',
    operationId: 'actOnSummonsPart',
    summary:
      '部门报到办理：报到 / 到场 / 反馈结果 / 职责异议（部门联络员）；验收 / 退回 / 评价 / 撤回（乡镇指挥员）；裁定异议（县综合指挥中心）/ Act on one unit’s part',
    description:
      '单位只能办理召集本单位的部分（其他单位的返回 404）。异议成立时县综合指挥中心可改召其他单位（resummonUnitId）。被拒绝的操作不改变案件：403 非本环节办理人，409 状态不符，422 规则不允许。/ One endpoint with a typed action union; a refused action changes nothing.',
    tags: ['summons'],
    access: { roles: ['dept_liaison', 'dispatcher'] },
    params: partParams,
    body: partActionRequestSchema,
    response: {
      schema: partViewSchema.extend({ resummoned: partViewSchema.nullable().optional() }),
      description: '办理后的部门报到 / The part after the action',
    },
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps, idempotency }) {
      const row = await loadPart(deps, principal, params.id, params.unitId);
      requireOpen(row);
      let action: PartAction;
      if (body.type === 'rule' && body.resummonUnitId) {
        const { resummonUnitId, ...ruling } = body;
        if (!body.upheld)
          throw refuse(
            'summons-resummon-needs-upheld',
            '驳回异议时不能改召其他单位',
            'Only an upheld dispute can re-summon another unit',
          );
        const townshipId = (row.data as { townshipId: string }).townshipId;
        const [already] = await deps.database.db
          .select({ id: summonsDepartments.caseId })
          .from(summonsDepartments)
          .where(and(eq(summonsDepartments.summonsId, params.id), eq(summonsDepartments.unitId, resummonUnitId)));
        if (already)
          throw refuse(
            'summons-unit-already-summoned',
            `该单位已被本次吹哨召集：${resummonUnitId}`,
            `${resummonUnitId} is already summoned by this whistle`,
          );
        const resolved = await resolveSummonedUnits(deps.database.db, { id: townshipId }, [resummonUnitId]);
        if (!resolved.ok) throw whistleRefusal(resolved.violation);
        action = { ...ruling, resummon: resolved.units[0]! };
      } else if (body.type === 'report') {
        const { attachmentIds, ...report } = body;
        const files = await evidenceFiles(deps, principal, row.id, attachmentIds);
        action = { ...report, ...(files ? { files } : {}) };
      } else {
        action = body.type === 'rule' ? { type: 'rule', upheld: body.upheld, note: body.note } : body;
      }
      const view = await actOnCase(
        deps.temporal,
        row.id,
        partActionUpdate,
        { actor: actorOf(principal), action },
        idempotency?.updateId,
      );
      if (action.type === 'rule' && action.resummon)
        return { ...view, resummoned: await resummonedPart(deps, partCaseId(params.id, action.resummon.unitId)) };
      return view;
    },
  });
}
