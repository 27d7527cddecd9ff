import { handlingRoleOf, incidentStats, loadIncidentSettings, planIncident } from '../../db/incident';
import type { OrgUnit } from '../../db/schema/org';
import { findUnit } from '../../db/units';
import {
  INCIDENT_SOURCES,
  isViolation,
  limitBudget,
  reportStartLevel,
  type IncidentLevelNo,
} from '../../domain/incident';
import { incidentActionRequestSchema, incidentViewSchema } from '../../workflows/incident/contract';
import {
  incidentActionUpdate,
  incidentCase,
  type IncidentAction,
  type StartIncidentInput,
} from '../../workflows/incident/definitions';
import { notFound, refuse, text } from '../admin';
import { calendarFor, newCaseId, requireDeadlineComputable, startCase } from '../case-start';
import type { Principal } from '../auth';
import { isWithin, requireUnitScope } from '../authz';
import type { AppDeps } from '../deps';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam } from '../schemas';
import { actOnCase } from '../temporal';
import { z } from '../zod';
import { attachmentIdsField, evidenceFiles } from './attachments';
import { loadVisibleCase } from './cases';
import { actorOf } from './tasks';

const level = z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]);
const refs = (description: string) => z.array(text(500)).max(20).openapi({ description });

const createIncidentBody = z
  .strictObject({
    source: z
      .enum(INCIDENT_SOURCES)
      .openapi({ description: '来源：网格巡查 / 随手拍 / 12345 工单 / 视频物联 / patrol, photo, hotline, iot' }),
    categoryCode: text(40).openapi({ example: 'city-appearance' }),
    urgencyCode: text(40).default('normal').openapi({ description: '一般 normal / 紧急 urgent / 特急 critical' }),
    gridId: text(100).openapi({ description: '事发网格 / the grid where it happened', example: 'lk.t01.v01.g01' }),
    title: text(200),
    description: text(4000),
    location: z.strictObject({
      address: text(500),
      lat: z.number().min(-90).max(90).optional(),
      lng: z.number().min(-180).max(180).optional(),
    }),
    attachments: refs('附件引用（照片、视频的存储键）/ attachment references').default([]),
    attachmentIds: attachmentIdsField,
    level: level.optional().openapi({
      description:
        '指挥员派单的起始层级（默认一级；12345 工单派至乡镇为 3、部门为 4）/ starting level, dispatchers only',
    }),
    hotline: z
      .strictObject({
        orderType: text(40).openapi({ example: 'ordinary' }),
        orderNo: text(60).optional(),
        requester: z.strictObject({ name: text(100), phone: text(30).optional() }),
      })
      .optional()
      .openapi({ description: '12345 工单信息（来源为 hotline 时必填）/ required for hotline orders' }),
  })
  .openapi('ReportIncident');

const statsSchema = z
  .object({
    unitId: z.string(),
    from: z.string(),
    to: z.string(),
    total: z.number().int(),
    byFinalLevel: z.object({
      level1: z.number().int(),
      level2: z.number().int(),
      level3: z.number().int(),
      level4: z.number().int(),
      unresolved: z.number().int(),
    }),
    byCategory: z.array(z.object({ code: z.string(), name: z.string(), count: z.number().int() })),
    disposed: z.number().int(),
    disposalRate: z.number().nullable(),
    onTimeRate: z.number().nullable(),
    escalationRate: z.number().nullable(),
    satisfactionRate: z.number().nullable(),
    redCards: z.number().int(),
    hotline: z.object({
      orders: z.number().int(),
      responseRate: z.number().nullable(),
      resolutionRate: z.number().nullable(),
      satisfactionRate: z.number().nullable(),
      score: z.number().nullable().openapi({ description: '三率加权得分（0–100）/ weighted 三率 score' }),
      weights: z.object({ response: z.number(), resolution: z.number(), satisfaction: z.number() }),
    }),
  })
  .openapi('IncidentStats');

const instant = z.iso.datetime({ offset: true });

/**
 * The org path within which a dispatcher acts: their own subtree, except the county command centre
 * (综合指挥中心), which dispatches countywide (its parent's subtree).
 */
async function dispatchScope(deps: AppDeps, principal: Principal): Promise<string> {
  const settings = await loadIncidentSettings(deps.database.db);
  if (principal.unitId !== settings.commandCentreUnitId) return principal.unitPath;
  return principal.unitPath.split('/').slice(0, -1).join('/') || principal.unitPath;
}

async function activeUnit(deps: AppDeps, id: string, what: string): Promise<OrgUnit> {
  const unit = await findUnit(deps.database.db, id);
  if (!unit || !unit.active) throw notFound('unit-not-found', `${what}不存在或已停用：${id}`, `No active unit ${id}`);
  return unit;
}

/** Who may report where, and the level asked for: a grid worker in their own grid only (patrol, photo, IoT); a dispatcher anywhere in their scope. */
async function checkReporter(
  deps: AppDeps,
  principal: Principal,
  grid: OrgUnit,
  body: z.infer<typeof createIncidentBody>,
): Promise<IncidentLevelNo> {
  if (principal.role === 'grid_worker') {
    if (grid.id !== principal.unitId) {
      throw new Problem(
        'forbidden',
        {
          zh: `网格员只能上报本网格内的事件（您的网格：${principal.unitId}）`,
          en: `A grid worker reports only in their own grid (${principal.unitId})`,
        },
        { code: 'grid-forbidden' },
      );
    }
    if (body.source === 'hotline' || (body.level ?? 1) !== 1) {
      throw refuse(
        'reporter-not-dispatcher',
        '12345 工单和跨级派单须由指挥员录入',
        '12345 orders and higher starting levels are entered by a dispatcher',
      );
    }
    return 1;
  }
  if (!isWithin(grid.path, await dispatchScope(deps, principal))) {
    throw new Problem(
      'forbidden',
      { zh: `网格不在您的指挥范围内：${grid.id}`, en: `The grid is outside your dispatch area: ${grid.id}` },
      { code: 'unit-forbidden' },
    );
  }
  return body.level ?? 1;
}

export function registerIncidentRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/incidents',
    operationId: 'reportIncident',
    summary: '上报事件 / 录入 12345 工单 / Report an incident or enter a 12345 order',
    description:
      '网格员只能在本网格上报；指挥员可在辖区内录入（县综合指挥中心覆盖全县），并可指定起始层级。按类别和紧急程度冻结各级时限，按派单规则派至当前层级单位；网格员上报的事件派至上一级（村/社区）签收，不派回上报人本人。/ A grid worker reports in their own grid; a dispatcher anywhere in their area. Limits and routing are frozen at report time; a grid worker’s report goes to the next level (the village) to sign for, never back to its reporter.',
    tags: ['incidents'],
    access: { roles: ['grid_worker', 'dispatcher'] },
    body: createIncidentBody,
    response: { status: 201, schema: incidentViewSchema, description: '已上报并派单 / Reported and dispatched' },
    errors: [403, 404, 422, 503],
    async handler({ body, principal, deps, idempotency }) {
      const db = deps.database.db;
      const grid = await activeUnit(deps, body.gridId, '网格');
      const requestedLevel = await checkReporter(deps, principal, grid, body);
      if ((body.source === 'hotline') !== (body.hotline !== undefined)) {
        throw refuse(
          'hotline-fields',
          '来源为 12345 时须填写工单信息，其他来源不得填写',
          'Hotline orders need the hotline fields, other sources must not have them',
        );
      }
      const planned = await planIncident(db, {
        categoryCode: body.categoryCode,
        urgencyCode: body.urgencyCode,
        grid,
        source: body.source,
        hotlineType: body.hotline?.orderType,
      });
      if (!planned.ok) throw refuse(planned.violation.code, planned.violation.zh, planned.violation.en);
      const { plan } = planned;
      // A grid worker's report goes to the next level's unit to sign for, not back to its reporter.
      const startLevel = reportStartLevel(plan.routes, principal, requestedLevel);
      if (isViolation(startLevel)) throw refuse(startLevel.code, startLevel.zh, startLevel.en);
      const calendar = await calendarFor(deps, grid);
      const now = Date.now();
      requireDeadlineComputable(calendar, (working) => limitBudget(plan.limits[startLevel - 1]!, now, working), now);
      const files = await evidenceFiles(deps, principal, null, body.attachmentIds);
      const caseId = await newCaseId({ deps, idempotency }, 'incident', now);
      const input: StartIncidentInput = {
        caseId,
        title: body.title,
        description: body.description,
        source: body.source,
        category: plan.category,
        urgency: plan.urgency,
        location: body.location,
        attachments: body.attachments,
        ...(files ? { files } : {}),
        territory: plan.territory,
        startLevel,
        routes: plan.routes,
        dispatchers: plan.dispatchers,
        limits: plan.limits,
        verifiers: plan.verifiers,
        callback: plan.callback,
        hotline:
          body.hotline && plan.hotline
            ? {
                orderType: plan.hotline.code,
                orderTypeName: plan.hotline.name,
                limit: plan.hotline.limit,
                requester: body.hotline.requester,
                ...(body.hotline.orderNo ? { orderNo: body.hotline.orderNo } : {}),
              }
            : null,
        reportedBy: actorOf(principal),
        calendar,
        disputeWindow: plan.settings.disputeWindow,
      };
      return startCase(deps, incidentCase, caseId, input);
    },
  });

  routes.add({
    method: 'post',
    path: '/incidents/:id/actions',
    operationId: 'actOnIncident',
    summary: '办理事件：签收 / 异议 / 派单 / 上报 / 办结 / 核查 / 回访 / 延期 / 督办 / Act on an incident',
    description:
      '一个接口，按 type 区分动作；单位只能办理派给本单位的事件，指挥员在辖区内派单和上报，乡镇（一至三级）和县督查员可督办。被拒绝的操作不改变案件：403 非本环节办理人，409 状态不符，422 规则不允许（如逐级上报、四级不能再上报）。/ One endpoint with a typed action union; a refused action changes nothing.',
    tags: ['incidents'],
    access: { roles: ['grid_worker', 'handler', 'dispatcher', 'supervisor'] },
    params: idParam,
    body: incidentActionRequestSchema,
    response: { schema: incidentViewSchema, description: '办理后的事件 / The incident after the action' },
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps, idempotency }) {
      const row = await loadVisibleCase(deps, principal, params.id);
      if (row.process !== 'incident')
        throw notFound('case-not-found', `不是事件：${params.id}`, `${params.id} is not an incident`);
      let action: IncidentAction;
      if (body.type === 'dispatch') {
        const unit = await activeUnit(deps, body.unitId, '派单单位');
        if (!isWithin(unit.path, await dispatchScope(deps, principal))) {
          throw new Problem(
            'forbidden',
            { zh: `派单单位不在您的指挥范围内：${unit.id}`, en: `The unit is outside your dispatch area: ${unit.id}` },
            { code: 'unit-forbidden' },
          );
        }
        action = {
          type: 'dispatch',
          to: { unitId: unit.id, role: handlingRoleOf(unit) },
          ...(body.note ? { note: body.note } : {}),
        };
      } else if (body.type === 'resolve' || body.type === 'verify') {
        const { attachmentIds, ...rest } = body;
        const files = await evidenceFiles(deps, principal, row.id, attachmentIds);
        action = { ...rest, ...(files ? { files } : {}) };
      } else {
        action = body;
      }
      return actOnCase(
        deps.temporal,
        params.id,
        incidentActionUpdate,
        { actor: actorOf(principal), action },
        idempotency?.updateId,
      );
    },
  });

  routes.add({
    method: 'get',
    path: '/incidents/stats',
    operationId: 'incidentStats',
    summary: '事件统计：各级办结数、类别、处置率、按期率、上报率、满意率、12345 三率 / Incident statistics',
    description:
      '统计上报于 [from, to) 、发生在该单位辖区内或由该单位办理的事件。/ Events reported in [from, to) in the unit’s territory or held by it.',
    tags: ['incidents'],
    access: { roles: ['supervisor', 'dispatcher', 'assessor', 'admin', 'handler'] },
    query: z.strictObject({ unitId: text(100), from: instant, to: instant }),
    response: { schema: statsSchema, description: '统计 / Statistics' },
    errors: [404],
    async handler({ query, principal, deps }) {
      const unit = await activeUnit(deps, query.unitId, '单位');
      requireUnitScope(principal, unit);
      const stats = await incidentStats(deps.database.db, unit, new Date(query.from), new Date(query.to));
      return { unitId: unit.id, from: query.from, to: query.to, ...stats };
    },
  });
}
