import { manualIndicators } from '../../domain/assessment';
import type { CaseSnapshot } from '../shared/case-snapshot';
import type { AssessmentCycle, CycleEffects } from './assessment-cycle';
import { APPEAL, SCORING } from './clocks';
import { ASSESSMENT_PHASE_LABEL, type AssessmentProjection, type AssessmentView } from './definitions';
import { assignments } from './policy';

export function view(c: AssessmentCycle, now: number): AssessmentView {
  const { plan, state } = c;
  const expected = expectedScores(c);
  return {
    caseId: plan.caseId,
    schemeCode: plan.schemeCode,
    schemeVersion: plan.schemeVersion,
    schemeName: plan.schemeName,
    period: plan.period,
    phase: state.phase,
    phaseLabel: ASSESSMENT_PHASE_LABEL[state.phase],
    ownerUnitId: plan.owner.unitId,
    ratees: plan.ratees.length,
    expectedScores: expected.length,
    givenScores: expected.filter((e) => given(c, e.rateeKey, e.indicatorCode, e.raterUnitId)).length,
    snapshotAt: state.snapshot?.takenAt ?? null,
    scoringDeadline: c.deadline(SCORING, now),
    appealDeadline: c.deadline(APPEAL, now),
    computedAt: state.computedAt,
    publishedAt: state.publishedAt,
    finalAt: state.finalAt,
    appeals: {
      pending: state.appeals.filter((a) => a.status === 'pending').length,
      decided: state.appeals.filter((a) => a.status !== 'pending').length,
    },
    clocks: c.clocks.snapshots(now),
  };
}

export function snapshot(c: AssessmentCycle, now: number): CaseSnapshot {
  const summary = c.clocks.summary(now);
  const { plan, state } = c;
  const { clocks: _c, period, ...data } = c.view(now);
  const units = new Map<string, { unitId: string; relation: string }>();
  for (const r of plan.ratees) {
    units.set(`${r.unitId}|ratee`, { unitId: r.unitId, relation: 'ratee' });
    for (const list of Object.values(r.raters))
      for (const u of list) units.set(`${u}|rater`, { unitId: u, relation: 'rater' });
  }
  return {
    caseId: plan.caseId,
    process: 'assessment',
    title: `${plan.schemeName}（${period.label}）`,
    status: state.phase,
    currentStep: ASSESSMENT_PHASE_LABEL[state.phase],
    level: null,
    unitId: plan.owner.unitId,
    ownerUnitId: plan.owner.unitId,
    colour: summary.colour,
    deadline: summary.deadline,
    calendarWarnings: summary.calendarWarnings,
    data: { ...data, periodKey: period.key, periodLabel: period.label },
    createdAt: state.createdAt,
    updatedAt: state.updatedAt,
    closedAt: state.finalAt,
    assignments: assignments(c),
    units: [...units.values()],
    clocks: c.clocks.snapshots(now),
  };
}

/** The read-model delta of a transition numbered `seq`. */
export function projection(
  c: AssessmentCycle,
  seq: number,
  changed: CycleEffects['changed'],
  now: number,
): AssessmentProjection {
  const { state } = c;
  const final = state.phase === 'final';
  return {
    caseId: c.plan.caseId,
    seq,
    cycle: {
      phase: state.phase,
      snapshotAt: state.snapshot?.takenAt ?? null,
      scoringDeadline: c.deadline(SCORING, now),
      computedAt: state.computedAt,
      publishedAt: state.publishedAt,
      appealDeadline: c.deadline(APPEAL, now),
      finalAt: state.finalAt,
      updatedAt: state.updatedAt,
    },
    scores: changed.scores,
    results:
      changed.results || final
        ? state.results.map((r) => ({ ...r, rectificationCaseId: state.rectifications[r.rateeKey] ?? null, final }))
        : null,
    appeals: state.appeals.filter((a) => changed.appeals.includes(a.appealId)),
  };
}

export function expectedScores(c: AssessmentCycle): { rateeKey: string; indicatorCode: string; raterUnitId: string }[] {
  const out: { rateeKey: string; indicatorCode: string; raterUnitId: string }[] = [];
  for (const ind of manualIndicators(c.def))
    for (const r of c.plan.ratees)
      for (const u of r.raters[ind.side] ?? []) out.push({ rateeKey: r.key, indicatorCode: ind.code, raterUnitId: u });
  return out;
}

export function given(c: AssessmentCycle, rateeKey: string, indicatorCode: string, raterUnitId: string): boolean {
  return (c.state.scores[rateeKey]?.[indicatorCode] ?? []).some((s) => s.raterUnitId === raterUnitId);
}
