import type { NoticeRequest } from '../../domain/vocabulary';
import { stopClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import type { LevelChange } from '../shared/case-clocks';
import { clockLevelNote } from '../shared/case-machine';
import type { AuditNote } from '../shared/case-snapshot';
import type { AssessmentCycle, CycleEffects } from './assessment-cycle';
import { noEffects } from './effects';
import { APPEAL, APPEAL_LABEL, SCORING, SCORING_LABEL } from './clocks';
import { appealWindowClosed } from './policy';
import { expectedScores, given } from './views';

/** Timers: reminders during scoring, the scoring deadline, the end of the appeal window. */
export function tick(c: AssessmentCycle, now: number): CycleEffects {
  const effects = noEffects();
  const changes = c.clocks.recordTransitions(now);
  if (changes.length)
    effects.notes.push(clockLevelNote(changes, c.touch(now), { before: null, after: c.auditState() }));
  if (c.state.phase === 'scoring') {
    for (const change of changes.filter((x) => x.key === SCORING && (x.to === 'blue' || x.to === 'yellow')))
      effects.notices.push(...reminders(c, change, now));
    if (c.clocks.status(SCORING, now)?.overdue) closeScoring(c, now, null, '评分期限已到，系统自动结束评分', effects);
  }
  const closed = c.state.phase === 'published' ? closeAppealWindow(c, now) : null;
  if (closed) effects.notes.push(closed);
  return effects;
}

export function closeScoring(
  c: AssessmentCycle,
  now: number,
  actor: Actor | null,
  reason: string,
  effects: CycleEffects,
): void {
  const late = missingByRater(c);
  c.clocks.apply(
    SCORING,
    SCORING_LABEL,
    () => stopClock(c.clocks.clocks[SCORING]!.clock, now, { actor: actor?.userId ?? 'system', reason }),
    now,
  );
  c.compute(now);
  effects.changed.results = true;
  const at = c.touch(now);
  for (const [unitId, n] of late) {
    effects.notices.push({
      caseId: c.plan.caseId,
      key: 'scoring-missed',
      kind: 'info',
      unitId,
      toLeader: true,
      message: `【考核】${c.plan.schemeName}（${c.plan.period.label}）评分已截止，贵单位有 ${n} 项未评分，已按方案规则处理。`,
      at,
    });
  }
  if (!actor)
    effects.notes.push(
      c.systemNote(
        'assessment.close-scoring',
        `${reason}${late.size ? `；${late.size} 个评分单位未按时评分，按规则处理` : ''}`,
        at,
        { late: Object.fromEntries(late) },
      ),
    );
}

/** Rater unit → number of scores it still owes. */
function missingByRater(c: AssessmentCycle): Map<string, number> {
  const out = new Map<string, number>();
  for (const e of expectedScores(c))
    if (!given(c, e.rateeKey, e.indicatorCode, e.raterUnitId))
      out.set(e.raterUnitId, (out.get(e.raterUnitId) ?? 0) + 1);
  return out;
}

function reminders(c: AssessmentCycle, change: LevelChange, now: number): NoticeRequest[] {
  const key = `remind:${change.to}`;
  if (c.state.reminders.includes(key)) return [];
  c.state.reminders.push(key);
  const deadline = c.deadlineText(SCORING, now);
  return [...missingByRater(c)].map(([unitId, n]) => ({
    caseId: c.plan.caseId,
    key,
    kind: 'urge' as const,
    unitId,
    toLeader: true,
    message: `【考核评分提醒】${c.plan.schemeName}（${c.plan.period.label}）评分将于 ${deadline} 截止，贵单位尚有 ${n} 项未评分。`,
    at: change.at,
  }));
}

export function publishedNotices(c: AssessmentCycle, now: number): NoticeRequest[] {
  const at = new Date(now).toISOString();
  const units = [...new Set(c.plan.ratees.map((r) => r.unitId))];
  return units.map((unitId) => ({
    caseId: c.plan.caseId,
    key: 'published',
    kind: 'info' as const,
    unitId,
    toLeader: false,
    message: `【考核公示】${c.plan.schemeName}（${c.plan.period.label}）结果已公示，如有异议请于 ${c.deadlineText(APPEAL, now)} 前申诉。`,
    at,
  }));
}

/** Stop the appeal clock once the window is over (pending appeals are still decided afterwards). */
function closeAppealWindow(c: AssessmentCycle, now: number): AuditNote | null {
  const named = c.clocks.clocks[APPEAL];
  if (!named || named.clock.stoppedAt !== null || !appealWindowClosed(c, now)) return null;
  c.clocks.apply(
    APPEAL,
    APPEAL_LABEL,
    () => stopClock(named.clock, now, { actor: 'system', reason: '申诉期结束' }),
    now,
  );
  return c.systemNote('assessment.appeals-closed', '申诉期结束，不再受理申诉', c.touch(now));
}
