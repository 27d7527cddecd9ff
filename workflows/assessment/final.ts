import type { CycleOutcomes, CycleOutcomesInput } from '../../domain/secondment';
import { secondmentEffectOf } from '../../domain/secondment';
import type { AuditNote } from '../shared/case-snapshot';
import type { StartTaskInput } from '../task/definitions';
import type { AssessmentCycle } from './assessment-cycle';
import type { CycleRatee } from './definitions';
import { appealWindowClosed } from './policy';

// Becoming final: when, the rectification tasks it opens, and the outcomes it carries out.

/** Published, the appeal window over and no appeal pending: time to become final. */
export function finalisable(c: AssessmentCycle, now: number): boolean {
  return (
    c.state.phase === 'published' && appealWindowClosed(c, now) && !c.state.appeals.some((a) => a.status === 'pending')
  );
}

/** The unit ratees whose grade requires rectification and have no task yet. */
export function rectificationsDue(c: AssessmentCycle): CycleRatee[] {
  return c.state.results
    .filter((r) => r.rectify && !c.state.rectifications[r.rateeKey])
    .map((r) => c.ratees.get(r.rateeKey)!)
    .filter((r) => r.type === 'unit');
}

/**
 * What becoming final carries out beyond the cycle itself, for the activity that does it:
 * seconded staff's outcomes (converted, returned, continued) and grid workers' monthly pay
 * grades. Null for other directions.
 */
export function outcomesInput(c: AssessmentCycle, now: number): CycleOutcomesInput | null {
  const { direction, bands } = c.def;
  if (direction !== 'seconded-staff' && direction !== 'grid-worker') return null;
  const { plan } = c;
  const results = c.state.results.flatMap((r) => {
    const ratee = c.ratees.get(r.rateeKey);
    if (!ratee || ratee.type !== 'user') return [];
    return [
      {
        userId: ratee.id,
        rateeName: ratee.name,
        unitPath: ratee.unitPath,
        total: r.total,
        grade: r.grade,
        gradeLabel: r.gradeLabel,
        payGrade: r.payGrade,
        effect: direction === 'seconded-staff' ? secondmentEffectOf(bands, r.grade) : null,
        indicators: r.indicators.map((i) => ({ code: i.code, name: i.name, score: i.score })),
      },
    ];
  });
  return {
    caseId: plan.caseId,
    schemeName: plan.schemeName,
    periodKey: plan.period.key,
    periodLabel: plan.period.label,
    direction,
    decidedAt: new Date(now).toISOString(),
    personnelUnitId: c.def.personnelUnitId ?? plan.owner.unitId,
    results,
  };
}

/**
 * Become final (immutable), with the rectification task numbers allocated for the 不合格 units
 * and what the outcomes activity carried out (its tasks are opened with the rectifications).
 */
export function finalise(
  c: AssessmentCycle,
  now: number,
  taskIds: string[],
  carried: CycleOutcomes | null = null,
): { note: AuditNote; tasks: StartTaskInput[] } {
  const due = rectificationsDue(c);
  const tasks = due.map((ratee, i) => rectification(c, ratee, taskIds[i]!));
  for (const t of tasks) c.state.rectifications[`unit:${t.unitId}`] = t.caseId;
  const personnelUnitId = c.def.personnelUnitId ?? c.plan.owner.unitId;
  const outcomeTasks = (carried?.tasks ?? []).map((t) => task(c, t.caseId, t.title, t.description, personnelUnitId));
  c.state.phase = 'final';
  const at = c.touch(now);
  c.state.finalAt = at;
  const outcomes = carried?.outcomes ?? [];
  const notes = [
    tasks.length ? `整改任务：${tasks.map((t) => t.caseId).join('、')}` : null,
    ...outcomes.map((o) => `${c.ratees.get(`user:${o.userId}`)?.name ?? o.userId} ${o.note}`),
    carried?.payGrades ? `${carried.payGrades} 名网格员的绩效档次已记入工资核算` : null,
  ].filter((n): n is string => n !== null);
  c.state.history.push({ at, actorId: 'system', action: 'final', note: notes.length ? notes.join('；') : null });
  const reason = `申诉期结束，考核结果终结${tasks.length ? `；${tasks.length} 个不合格单位已下达整改任务` : ''}${outcomes.length ? `；选派人员考核结果已运用：${outcomes.map((o) => o.note).join('；')}` : ''}${carried?.payGrades ? `；${carried.payGrades} 名网格员的绩效档次已记入工资核算` : ''}`;
  const after = carried
    ? { rectifications: c.state.rectifications, secondment: outcomes, payGrades: carried.payGrades }
    : { rectifications: c.state.rectifications };
  return { note: c.systemNote('assessment.final', reason, at, after), tasks: [...tasks, ...outcomeTasks] };
}

function rectification(c: AssessmentCycle, ratee: CycleRatee, caseId: string): StartTaskInput {
  const { plan } = c;
  const result = c.state.results.find((r) => r.rateeKey === ratee.key)!;
  return task(
    c,
    caseId,
    `考核整改：${plan.schemeName}（${plan.period.label}）— ${ratee.name}`,
    `本期考核得分 ${result.total}，等次“${result.gradeLabel}”。请在期限内提交整改方案并落实。考核：${plan.caseId}`,
    ratee.unitId,
  );
}

/** A task the cycle issues to `unitId`, supervised by the organising unit, due within the scheme's rectification limit. */
function task(c: AssessmentCycle, caseId: string, title: string, description: string, unitId: string): StartTaskInput {
  const { plan } = c;
  return {
    caseId,
    title,
    description,
    unitId,
    ownerUnitId: plan.owner.unitId,
    createdBy: {
      userId: 'system',
      displayName: '系统（考核）',
      role: 'system',
      unitId: plan.owner.unitId,
      unitPath: plan.owner.unitPath,
    },
    budget: c.def.rectification,
    calendar: c.clocks.calendarContext,
  };
}
