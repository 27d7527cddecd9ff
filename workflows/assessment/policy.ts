import type { Indicator } from '../../domain/assessment';
import { mergeAssignments } from '../shared/assignments';
import type { AssignmentSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import type { AssessmentCycle } from './assessment-cycle';
import { APPEAL, SCORING } from './clocks';
import {
  ASSESSMENT_ACTION_LABEL,
  ASSESSMENT_PHASE_LABEL,
  type AssessmentAction,
  type AssessmentActionInput,
  type AssessmentActor,
  type AssessmentState,
  type CycleRatee,
} from './definitions';

const forbidden = (code: string, zh: string, en: string) => caseError(CaseErrorType.Forbidden, code, zh, en);
const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);
const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);

/** True when `path` is `ancestor` or below it. */
const within = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}/`);

/** Throw the refusal for an action that may not be taken now; change nothing. */
export function check(c: AssessmentCycle, input: AssessmentActionInput, now: number): void {
  const { actor, action } = input;
  switch (action.type) {
    case 'score':
      return checkScores(c, actor, action.scores, now);
    case 'close-scoring':
      requireAssessor(c, actor);
      return requirePhase(c, 'scoring', action.type);
    case 'publish':
      requireAssessor(c, actor);
      return requirePhase(c, 'review', action.type);
    case 'appeal':
      return checkAppeal(c, actor, action, now);
    case 'decide-appeal':
      return checkDecision(c, actor, action);
  }
}

/** Who may act now, with which actions. */
export function assignments(c: AssessmentCycle): AssignmentSnapshot[] {
  const owner = c.plan.owner.unitId;
  switch (c.state.phase) {
    case 'scoring': {
      const out: AssignmentSnapshot[] = [{ unitId: owner, role: 'assessor', actions: ['close-scoring'] }];
      const raterUnits = new Map<string, Set<string>>();
      for (const side of c.def.sides) {
        if (!side.raters) continue;
        for (const r of c.plan.ratees)
          for (const u of r.raters[side.code] ?? [])
            raterUnits.set(u, new Set([...(raterUnits.get(u) ?? []), ...side.raters.roles]));
      }
      for (const [unitId, roles] of raterUnits)
        for (const role of roles) out.push({ unitId, role, actions: ['score'] });
      const leaderSides = new Set(c.def.sides.filter((s) => s.raters?.leaders).map((s) => s.code));
      const leaderUnits = new Set(
        c.plan.ratees.flatMap((r) =>
          Object.entries(r.raters)
            .filter(([side]) => leaderSides.has(side))
            .flatMap(([, units]) => units),
        ),
      );
      for (const l of c.plan.raterLeaders)
        if (leaderUnits.has(l.unitId))
          out.push({ unitId: l.unitId, role: l.role, userId: l.userId, actions: ['score'] });
      return mergeAssignments(out);
    }
    case 'review':
      return [{ unitId: owner, role: 'assessor', actions: ['publish'] }];
    case 'published':
      return c.state.appeals.some((a) => a.status === 'pending')
        ? [{ unitId: owner, role: 'assessor', actions: ['decide-appeal'] }]
        : [];
    default:
      return [];
  }
}

function requirePhase(c: AssessmentCycle, phase: AssessmentState['phase'], action: AssessmentAction['type']): void {
  if (c.state.phase === phase) return;
  throw conflict(
    'wrong-phase',
    `考核当前为“${ASSESSMENT_PHASE_LABEL[c.state.phase]}”，不能${ASSESSMENT_ACTION_LABEL[action]}`,
    `The cycle is ${c.state.phase}; ${action} is not possible now`,
  );
}

function requireAssessor(c: AssessmentCycle, actor: AssessmentActor): void {
  if (actor.role === 'assessor' && within(c.plan.owner.unitPath, actor.unitPath)) return;
  throw forbidden(
    'not-assessor',
    `只有考核组织单位（${c.plan.owner.name}）的考核员可以执行此操作`,
    `Only an assessor of ${c.plan.owner.unitId} may do this`,
  );
}

function indicator(c: AssessmentCycle, code: string): Indicator {
  const ind = c.def.indicators.find((i) => i.code === code);
  if (!ind) throw rule('indicator-unknown', `本方案没有这个指标：${code}`, `No indicator ${code} in this scheme`);
  return ind;
}

function rateeOf(c: AssessmentCycle, key: string): CycleRatee {
  const r = c.ratees.get(key);
  if (!r) throw rule('ratee-unknown', `本期考核没有这个考核对象：${key}`, `No ratee ${key} in this cycle`);
  return r;
}

function checkScores(
  c: AssessmentCycle,
  actor: AssessmentActor,
  scores: readonly { rateeKey: string; indicatorCode: string; score: number }[],
  now: number,
): void {
  if (c.state.phase === 'opening')
    throw conflict('scoring-not-open', '指标快照尚未完成，评分尚未开始', 'Scoring has not opened yet');
  if (c.state.phase !== 'scoring' || c.clocks.status(SCORING, now)?.overdue)
    throw conflict('scoring-closed', '评分已截止，不能再评分', 'Scoring is closed');
  if (scores.length === 0) throw rule('no-scores', '请至少填写一项评分', 'Give at least one score');
  for (const s of scores) {
    const ratee = rateeOf(c, s.rateeKey);
    const ind = indicator(c, s.indicatorCode);
    if (ind.formula.type !== 'manual')
      throw rule(
        'indicator-automatic',
        `“${ind.name}”是自动计算的指标，不能人工评分`,
        `${ind.code} is computed automatically`,
      );
    const side = c.def.sides.find((x) => x.code === ind.side)!;
    const eligible = side.raters && (side.raters.roles.includes(actor.role) || (side.raters.leaders && actor.isLeader));
    if (!eligible || !(ratee.raters[ind.side] ?? []).includes(actor.unitId)) {
      throw forbidden(
        'not-your-ratee',
        `您（${actor.unitId}）不是“${ratee.name}”的“${ind.name}”评分人，只能为本单位负责评分的对象评分`,
        `You may not score ${ratee.key} on ${ind.code}: only your own ratees`,
      );
    }
    if (!Number.isFinite(s.score) || s.score < 0 || s.score > ind.formula.max)
      throw rule(
        'score-out-of-range',
        `“${ind.name}”的评分须在 0 到 ${ind.formula.max} 之间`,
        `A score of ${ind.code} is between 0 and ${ind.formula.max}`,
      );
  }
}

export function appealWindowClosed(c: AssessmentCycle, now: number): boolean {
  return c.clocks.status(APPEAL, now)?.overdue === true;
}

function checkAppeal(
  c: AssessmentCycle,
  actor: AssessmentActor,
  action: Extract<AssessmentAction, { type: 'appeal' }>,
  now: number,
): void {
  const ratee = rateeOf(c, action.rateeKey);
  const own =
    ratee.type === 'user'
      ? actor.userId === ratee.id
      : actor.unitId === ratee.unitId && (actor.isLeader || actor.role === 'assessor');
  if (!own)
    throw forbidden(
      'not-your-result',
      '只能对本单位（本人）的考核结果申诉，并须由单位负责人或考核员提出',
      'Only the ratee (its leader or assessor) may appeal its own result',
    );
  if (c.state.phase !== 'published')
    throw conflict(
      'not-published',
      '考核结果尚未公示或已终结，不能申诉',
      'Appeals are possible only while the results are published',
    );
  if (appealWindowClosed(c, now))
    throw rule(
      'appeal-window-closed',
      `申诉期已于 ${c.deadlineText(APPEAL, now)} 结束，不能再申诉`,
      'The appeal window has closed',
    );
  if (action.indicatorCode) indicator(c, action.indicatorCode);
  if (c.state.appeals.some((a) => a.rateeKey === ratee.key && a.status === 'pending'))
    throw conflict('appeal-pending', '已有一件申诉待复核，请等待结果', 'An appeal of this ratee is already pending');
}

function checkDecision(
  c: AssessmentCycle,
  actor: AssessmentActor,
  action: Extract<AssessmentAction, { type: 'decide-appeal' }>,
): void {
  requireAssessor(c, actor);
  const appeal = c.state.appeals.find((a) => a.appealId === action.appealId);
  if (!appeal) throw rule('appeal-unknown', `没有这件申诉：${action.appealId}`, `No appeal ${action.appealId}`);
  if (appeal.status !== 'pending') throw conflict('appeal-decided', '该申诉已复核', 'This appeal has been decided');
  const adjustments = action.adjustments ?? [];
  if (action.decision === 'adjust' && adjustments.length === 0)
    throw rule(
      'adjustments-missing',
      '调整须列出调整的指标及得分',
      'An adjustment names the indicators and their new scores',
    );
  if (action.decision === 'maintain' && adjustments.length > 0)
    throw rule('adjustments-unexpected', '维持原结果时不能调整得分', 'Maintaining the result changes no score');
  for (const a of adjustments) {
    indicator(c, a.indicatorCode);
    if (!Number.isFinite(a.score) || a.score < 0 || a.score > 100)
      throw rule(
        'score-out-of-range',
        '调整后的指标得分须在 0 到 100 之间',
        'An adjusted indicator score is between 0 and 100',
      );
  }
}
