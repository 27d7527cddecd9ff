import { computeResults, manualIndicators, type SchemeDefinition } from '../../domain/assessment';
import type { CycleOutcomes, CycleOutcomesInput } from '../../domain/secondment';
import { readableShanghai } from '../../domain/time';
import { startClock } from '../../domain/sla-clock';
import { CaseClocks } from '../shared/case-clocks';
import type { CaseEffects, CaseMachine } from '../shared/case-machine';
import type { AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import type { StartTaskInput } from '../task/definitions';
import { SCORING, SCORING_LABEL } from './clocks';
import type {
  AssessmentActionInput,
  AssessmentProjection,
  AssessmentState,
  AssessmentView,
  CycleRatee,
  StartAssessmentInput,
} from './definitions';
import { finalisable, finalise, outcomesInput, rectificationsDue } from './final';
import { check } from './policy';
import { tick } from './timers';
import { projection, snapshot, view } from './views';
import { noEffects } from './effects';
import { perform } from './actions';

/** What an action or a timer asks the workflow to record and send. */
export interface CycleEffects extends CaseEffects {
  /** Only what changed, for the read model (written with the first note). */
  changed: { scores: AssessmentProjection['scores']; results: boolean; appeals: string[] };
}

/**
 * The cycle's state machine (workflows/shared/case-machine.ts), its state in `state` (carried
 * across continue-as-new). Who may act is in policy.ts, what an action does in actions.ts, its timers
 * in timers.ts, becoming final in final.ts, its views and read-model deltas in views.ts.
 */
export class AssessmentCycle implements CaseMachine<AssessmentActionInput, AssessmentView, CycleEffects> {
  readonly state: AssessmentState;
  readonly clocks: CaseClocks;
  readonly ratees: Map<string, CycleRatee>;
  readonly def: SchemeDefinition;

  constructor(
    readonly input: StartAssessmentInput,
    now: number,
  ) {
    const at = new Date(now).toISOString();
    this.state = input.resume ?? {
      phase: 'opening',
      snapshot: null,
      scores: {},
      overrides: {},
      appeals: [],
      results: [],
      rectifications: {},
      clocks: {},
      reminders: [],
      seq: 0,
      createdAt: at,
      updatedAt: at,
      computedAt: null,
      publishedAt: null,
      finalAt: null,
      history: [
        {
          at,
          actorId: input.openedBy.userId,
          action: 'open',
          note: `${input.plan.schemeName}（${input.plan.period.label}）`,
        },
      ],
    };
    this.clocks = new CaseClocks(input.calendar, this.state.clocks);
    this.def = input.plan.definition;
    this.ratees = new Map(input.plan.ratees.map((r) => [r.key, r]));
  }

  get plan() {
    return this.input.plan;
  }

  get finished(): boolean {
    return this.state.phase === 'final';
  }

  // ── Lifecycle steps driven by the workflow ──────────────────────────────────────────────────

  creationNote(): AuditNote {
    const a = this.input.openedBy;
    const { plan } = this;
    return {
      actorId: a.userId,
      actorUnitId: a.unitId || null,
      actorRole: a.role,
      action: 'assessment.open',
      reason: `${plan.schemeName}（${plan.period.label}）`,
      before: null,
      after: {
        scheme: plan.schemeCode,
        version: plan.schemeVersion,
        period: plan.period.key,
        ratees: plan.ratees.length,
      },
      at: this.state.createdAt,
    };
  }

  /** The frozen snapshot arrived: open the manual scoring window (or compute at once when nothing is manual). */
  snapshotTaken(snapshot: NonNullable<AssessmentState['snapshot']>, now: number): CycleEffects {
    const effects = noEffects();
    this.state.snapshot = snapshot;
    const at = this.touch(now);
    if (manualIndicators(this.def).length === 0) {
      this.compute(now);
      effects.changed.results = true;
      effects.notes.push(this.systemNote('assessment.snapshot', '自动指标已快照；无人工评分指标，直接计分', at));
      return effects;
    }
    this.state.phase = 'scoring';
    this.clocks.apply(
      SCORING,
      SCORING_LABEL,
      () => startClock(this.def.scoringWindow, now, { actor: 'system', reason: '开始评分' }),
      now,
    );
    effects.notes.push(
      this.systemNote(
        'assessment.snapshot',
        `自动指标已快照（${readableShanghai(snapshot.takenAt, now)}），评分期至 ${this.deadlineText(SCORING, now)}`,
        at,
      ),
    );
    return effects;
  }

  /** Published, the appeal window over and no appeal pending: time to become final. */
  finalisable(now: number): boolean {
    return finalisable(this, now);
  }

  /** The unit ratees whose grade requires rectification and have no task yet. */
  rectificationsDue(): CycleRatee[] {
    return rectificationsDue(this);
  }

  /** What becoming final carries out beyond the cycle itself (see final.ts); null for other directions. */
  outcomesInput(now: number): CycleOutcomesInput | null {
    return outcomesInput(this, now);
  }

  /** Become final, with the task numbers allocated for the 不合格 units and the outcomes carried out. */
  finalise(
    now: number,
    taskIds: string[],
    carried: CycleOutcomes | null = null,
  ): { note: AuditNote; tasks: StartTaskInput[] } {
    return finalise(this, now, taskIds, carried);
  }

  /** Timers: reminders during scoring, the scoring deadline, the end of the appeal window. */
  tick(now: number): CycleEffects {
    return tick(this, now);
  }

  // ── Human actions ───────────────────────────────────────────────────────────────────────────

  /** Throw the refusal for an action that may not be taken now; change nothing. */
  check(input: AssessmentActionInput, now: number): void {
    check(this, input, now);
  }

  apply(input: AssessmentActionInput, now: number): CycleEffects {
    this.check(input, now);
    const { actor, action } = input;
    const effects = noEffects();
    const before = this.auditState();
    const at = this.touch(now);
    const note = perform(this, input, effects, at, now);
    this.state.history.push({ at, actorId: actor.userId, action: action.type, note });
    effects.notes.unshift({
      actorId: actor.userId,
      actorUnitId: actor.unitId,
      actorRole: actor.role,
      action: `assessment.${action.type}`,
      reason: note,
      before,
      after: this.auditState(),
      at,
    });
    return effects;
  }

  // ── Reads ───────────────────────────────────────────────────────────────────────────────────

  view(now: number): AssessmentView {
    return view(this, now);
  }

  snapshot(now: number): CaseSnapshot {
    return snapshot(this, now);
  }

  /** The read-model delta of a transition numbered `seq`. */
  projection(seq: number, changed: CycleEffects['changed'], now: number): AssessmentProjection {
    return projection(this, seq, changed, now);
  }

  // ── State helpers, shared by the policy, timers and views ────────────────────────────────────

  compute(now: number): void {
    const { state } = this;
    const inputs = this.plan.ratees.map((r) => ({
      key: r.key,
      raters: r.raters,
      metrics: state.snapshot?.metrics[r.key] ?? {},
      scores: state.scores[r.key] ?? {},
      overrides: state.overrides[r.key] ?? [],
    }));
    state.results = computeResults(this.def, inputs);
    state.computedAt = new Date(now).toISOString();
    if (state.phase === 'opening' || state.phase === 'scoring') state.phase = 'review';
  }

  deadline(key: string, now: number): string | null {
    const named = this.clocks.clocks[key];
    if (!named) return null;
    return this.clocks.status(key, now)?.deadline ?? named.clock.stoppedAt;
  }

  deadlineText(key: string, now: number): string {
    const d = this.deadline(key, now);
    return d ? readableShanghai(d, now) : '—';
  }

  auditState(): { phase: string; results: number; appeals: number } {
    return { phase: this.state.phase, results: this.state.results.length, appeals: this.state.appeals.length };
  }

  touch(now: number): string {
    const at = new Date(now).toISOString();
    this.state.updatedAt = at;
    return at;
  }

  systemNote(action: string, reason: string, at: string, after: unknown = null): AuditNote {
    return {
      actorId: 'system',
      actorUnitId: null,
      actorRole: 'system',
      action,
      reason,
      before: null,
      after: after ?? this.auditState(),
      at,
    };
  }
}
