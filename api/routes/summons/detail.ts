import { and, eq } from 'drizzle-orm';
import { summonsDepartments } from '../../../db/schema/summons';
import { resolveSummonedUnits } from '../../../db/summons';
import { totalDisputedMs } from '../../../domain/summons';
import { partActionRequestSchema, partViewSchema } from '../../../workflows/summons/contract';
import {
  partActionUpdate,
  partCaseId,
  partStartedUpdate,
  summonsPartCase,
  type PartAction,
  type SummonsView,
} from '../../../workflows/summons/definitions';
import { refuse } from '../../admin';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { actOnCase, withEngineDeadline, withTemporal } from '../../temporal';
import { evidenceFiles } from '../attachments';
import { actorOf } from '../tasks';
import { partParams, summonsDetailSchema } from './schemas';
import { whistleRefusal, requireOpen, departmentsOf, loadWhistle, whistleForSummonedUnit, loadPart } from './helpers';

export function registerSummonsDetailRoutes(routes: ApiRoutes): void {
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
      const view = data as unknown as SummonsView;
      return { ...view, departments: await departmentsOf(deps, params.id, { order: view.parts.map((p) => p.caseId) }) };
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
      if (action.type === 'rule' && action.resummon) {
        // The whistle starts the re-summoned part once the ruled part's result reaches it: its
        // Update answers when it has, then the new part answers once its opening is stored. The
        // ruling is done either way; should the engine not answer, the new part shows on the whistle.
        const partId = partCaseId(params.id, action.resummon.unitId);
        const resummoned = await withEngineDeadline(deps.temporal, async () =>
          (await deps.temporal.workflow.getHandle(params.id).executeUpdate(partStartedUpdate, { args: [partId] }))
            ? deps.temporal.workflow.getHandle(partId).executeUpdate(summonsPartCase.opened)
            : null,
        ).catch(() => null);
        return { ...view, resummoned };
      }
      return view;
    },
  });
}
