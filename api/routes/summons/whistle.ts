import { planWhistle, recordWhistleRefusal } from '../../../db/summons';
import { findUnit } from '../../../db/units';
import { incidentActionUpdate } from '../../../workflows/incident/definitions';
import { summonsActionSchema, summonsViewSchema } from '../../../workflows/summons/contract';
import { summonsActionUpdate, summonsCase, type StartSummonsInput } from '../../../workflows/summons/definitions';
import { calendarFor, newCaseId, requireDeadlineComputable, startCase } from '../../case-start';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { idParam } from '../../schemas';
import { actOnCase, withEngineDeadline, withTemporal } from '../../temporal';
import { actorOf } from '../tasks';
import { whistleBody, summonsDetailSchema } from './schemas';
import {
  TOWNSHIP_KINDS,
  whistleRefusal,
  whistlingIncident,
  partsOpened,
  requireOpen,
  departmentsOf,
  loadWhistle,
} from './helpers';

export function registerWhistleRoutes(routes: ApiRoutes): void {
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
      // A close right after the last part ended is taken by the whistle, which waits for that
      // part's result (workflows/summons/workflow.ts); one with a part still open is refused at once.
      const view = await actOnCase(
        deps.temporal,
        params.id,
        summonsActionUpdate,
        { actor: actorOf(principal), action: body },
        idempotency?.updateId,
      );
      const order = view.parts.map((p) => p.caseId);
      if (body.type === 'approve') await partsOpened(deps, order);
      return { ...view, departments: await departmentsOf(deps, params.id, { order }) };
    },
  });
}
