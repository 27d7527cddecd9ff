import { cycleAppeals, cycleRatees } from '../../../db/assessment';
import { topAndBottom } from '../../../domain/assessment';
import {
  appealActionSchema,
  closeScoringActionSchema,
  decideAppealActionSchema,
  publishActionSchema,
  scoreActionSchema,
} from '../../../workflows/assessment/contract';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import { cycleIdParam, appealRowSchema, presentAppeal, isAssessor, isRatee, loadCycle, act } from './access';
import { presentCycle, rankingSchema, readableRanking, actionResponse } from './presenters';

export function registerCycleActionRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/scores',
    operationId: 'scoreAssessment',
    summary: '评分（只能为本单位负责评分的对象评分）/ Score your own ratees',
    description:
      '评分单位的负责人或方案指定角色（默认考核员；县综合指挥中心含指挥员）在评分期内为本单位负责的考核对象的人工指标评分，可多次修改，以最后一次为准；截止后拒绝（409）。为他人的对象评分 403。/ Within the scoring window; only your own ratees (403 otherwise); 409 after the deadline.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    body: scoreActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, { type: 'score', scores: body.scores });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/close-scoring',
    operationId: 'closeAssessmentScoring',
    summary: '提前结束评分并计分（考核员）/ Close scoring early and compute',
    description: '未评分项按方案规则处理。/ Missing scores are handled by the scheme’s rule.',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    params: cycleIdParam,
    body: closeScoringActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, { type: 'close-scoring', reason: body.reason });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/publish',
    operationId: 'publishAssessment',
    summary: '公示考核结果，开始申诉期（考核员）/ Publish the results; the appeal window opens',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    params: cycleIdParam,
    body: publishActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, { type: 'publish', ...(body.note ? { note: body.note } : {}) });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/appeals',
    operationId: 'appealAssessment',
    summary: '对本单位（本人）的考核结果申诉（申诉期内）/ Appeal your own result within the window',
    description:
      '考核对象单位的负责人或考核员（个人考核对象为本人）在申诉期内提出；申诉期外 422，他人结果 403，已有待复核申诉 409。/ By the ratee; 422 after the window.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    body: appealActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, {
        type: 'appeal',
        rateeKey: body.rateeKey,
        reason: body.reason,
        ...(body.indicatorCode ? { indicatorCode: body.indicatorCode } : {}),
      });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/appeals/:appealId/decision',
    operationId: 'decideAssessmentAppeal',
    summary: '复核申诉：维持或调整（须说明理由）（考核员）/ Decide an appeal: maintain or adjust, with a reason',
    description:
      '调整时给出指标的新得分（0–100），重新计算总分、等次和排名。/ An adjustment sets indicator scores (0–100); totals, grades and ranks are recomputed.',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    params: z.strictObject({ id: z.string().min(1).max(100), appealId: z.string().min(1).max(20) }),
    body: decideAppealActionSchema.omit({ type: true, appealId: true }),
    response: actionResponse,
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, {
        type: 'decide-appeal',
        appealId: params.appealId,
        decision: body.decision,
        reason: body.reason,
        ...(body.adjustments ? { adjustments: body.adjustments } : {}),
      });
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/cycles/:id/appeals',
    operationId: 'listAssessmentAppeals',
    summary: '申诉及复核结果（考核员看全部，考核对象看本单位）/ Appeals',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    response: { schema: z.object({ items: z.array(appealRowSchema) }), description: '申诉 / Appeals' },
    errors: [404],
    async handler({ params, principal, deps }) {
      const c = await loadCycle(deps, params.id);
      const [appeals, ratees] = await Promise.all([
        cycleAppeals(deps.database.db, params.id),
        cycleRatees(deps.database.db, params.id),
      ]);
      const own = new Set(ratees.filter((r) => isRatee(principal, r)).map((r) => r.rateeKey));
      return { items: appeals.filter((a) => isAssessor(principal, c) || own.has(a.rateeKey)).map(presentAppeal) };
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/cycles/:id/results',
    operationId: 'assessmentRanking',
    summary: '考核排名（含各指标得分、先进/后进名单）/ Ranking with indicator scores',
    description: '公示后全县可见；公示前仅考核员可见。/ County-wide once published; assessors only before.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    response: { schema: rankingSchema, description: '排名 / The ranking' },
    errors: [403, 404],
    async handler({ params, principal, deps }) {
      const { c, rows, def } = await readableRanking(deps, principal, params.id);
      return {
        cycle: presentCycle(c.cycle),
        indicators: def.indicators.map((i) => ({ code: i.code, name: i.name, side: i.side, weight: i.weight })),
        items: rows,
        ...topAndBottom(rows, def.ranking),
      };
    },
  });
}
