import type { NoticeRequest } from '../../activities/notices';
import { computeResults, manualIndicators, type Indicator, type SchemeDefinition } from '../../domain/assessment';
import { secondmentEffectOf } from '../../domain/secondment';
import { readableShanghai } from '../../domain/time';
import type { CycleOutcomes, CycleOutcomesInput } from '../../db/secondment';
import { startClock, stopClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import { mergeAssignments } from '../shared/assignments';
import { CaseClocks, type LevelChange, levelChangeNote } from '../shared/case-clocks';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import type { StartTaskInput } from '../task/definitions';
import {
  ASSESSMENT_ACTION_LABEL,
  ASSESSMENT_PHASE_LABEL,
  type Appeal,
  type AssessmentAction,
  type AssessmentActionInput,
  type AssessmentActor,
  type AssessmentProjection,
  type AssessmentState,
  type AssessmentView,
  type CycleRatee,
  type StartAssessmentInput,
} from './definitions';

const SCORING = 'scoring';
const SCORING_LABEL = '评分期限';
const APPEAL = 'appeal';
const APPEAL_LABEL = '申诉期限';

const forbidden = (code: string, zh: string, en: string) => caseError(CaseErrorType.Forbidden, code, zh, en);
const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);
const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);

/** What an action or a timer asks the workflow to record and send. */
export interface CycleEffects {
  notes: AuditNote[];
  notices: NoticeRequest[];
  /** Only what changed, for the read model. */
  changed: { scores: AssessmentProjection['scores']; results: boolean; appeals: string[] };
}

const noEffects = (): CycleEffects => ({ notes: [], notices: [], changed: { scores: [], results: false, appeals: [] } });

/** True when `path` is `ancestor` or below it. */
const within = (path: string, ancestor: string) => path === ancestor || path.startsWith(`${ancestor}/`);

/**
 * The cycle's state machine, free of Temporal APIs. `check` refuses an action without changing
 * anything (the Update validator); `apply` performs it.
 */
export class AssessmentCycle {
  readonly state: AssessmentState;
  readonly clocks: CaseClocks;
  private readonly ratees: Map<string, CycleRatee>;
  private readonly def: SchemeDefinition;

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
      history: [{ at, actorId: input.openedBy.userId, action: 'open', note: `${input.plan.schemeName}（${input.plan.period.label}）` }],
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
      after: { scheme: plan.schemeCode, version: plan.schemeVersion, period: plan.period.key, ratees: plan.ratees.length },
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
    this.clocks.apply(SCORING, SCORING_LABEL, () => startClock(this.def.scoringWindow, now, { actor: 'system', reason: '开始评分' }), now);
    effects.notes.push(this.systemNote('assessment.snapshot', `自动指标已快照（${readableShanghai(snapshot.takenAt, now)}），评分期至 ${this.deadlineText(SCORING, now)}`, at));
    return effects;
  }

  /** Timers: reminders during scoring, the scoring deadline, the end of the appeal window. */
  tick(now: number): CycleEffects {
    const effects = noEffects();
    const changes = this.clocks.recordTransitions(now);
    if (changes.length) {
      const last = changes[changes.length - 1]!;
      effects.notes.push(this.systemNote('clock.level', levelChangeNote(last), this.touch(now)));
    }
    if (this.state.phase === 'scoring') {
      for (const c of changes.filter((x) => x.key === SCORING && (x.to === 'blue' || x.to === 'yellow'))) effects.notices.push(...this.reminders(c, now));
      if (this.clocks.status(SCORING, now)?.overdue) this.closeScoring(now, null, '评分期限已到，系统自动结束评分', effects);
    }
    const closed = this.state.phase === 'published' ? this.closeAppealWindow(now) : null;
    if (closed) effects.notes.push(closed);
    return effects;
  }

  /** Published, the appeal window over and no appeal pending: time to become final. */
  finalisable(now: number): boolean {
    return this.state.phase === 'published' && this.appealWindowClosed(now) && !this.state.appeals.some((a) => a.status === 'pending');
  }

  /** The unit ratees whose grade requires rectification and have no task yet. */
  rectificationsDue(): CycleRatee[] {
    return this.state.results.filter((r) => r.rectify && !this.state.rectifications[r.rateeKey]).map((r) => this.ratees.get(r.rateeKey)!).filter((r) => r.type === 'unit');
  }

  /**
   * What becoming final carries out beyond the cycle itself, for the activity that does it:
   * seconded staff's outcomes (converted, returned, continued) and grid workers' monthly pay
   * grades. Null for other directions.
   */
  outcomesInput(now: number): CycleOutcomesInput | null {
    const { direction, bands } = this.def;
    if (direction !== 'seconded-staff' && direction !== 'grid-worker') return null;
    const { plan } = this;
    const results = this.state.results.flatMap((r) => {
      const ratee = this.ratees.get(r.rateeKey);
      if (!ratee || ratee.type !== 'user') return [];
      return [{
        userId: ratee.id,
        rateeName: ratee.name,
        unitPath: ratee.unitPath,
        total: r.total,
        grade: r.grade,
        gradeLabel: r.gradeLabel,
        payGrade: r.payGrade,
        effect: direction === 'seconded-staff' ? secondmentEffectOf(bands, r.grade) : null,
        indicators: r.indicators.map((i) => ({ code: i.code, name: i.name, score: i.score })),
      }];
    });
    return {
      caseId: plan.caseId,
      schemeName: plan.schemeName,
      periodKey: plan.period.key,
      periodLabel: plan.period.label,
      direction,
      decidedAt: new Date(now).toISOString(),
      personnelUnitId: this.def.personnelUnitId ?? plan.owner.unitId,
      results,
    };
  }

  /**
   * Become final (immutable), with the rectification task numbers allocated for the 不合格 units
   * and what the outcomes activity carried out (its tasks are opened with the rectifications).
   */
  finalise(now: number, taskIds: string[], carried: CycleOutcomes | null = null): { note: AuditNote; tasks: StartTaskInput[] } {
    const due = this.rectificationsDue();
    const tasks = due.map((ratee, i) => this.rectification(ratee, taskIds[i]!));
    for (const t of tasks) this.state.rectifications[`unit:${t.unitId}`] = t.caseId;
    const personnelUnitId = this.def.personnelUnitId ?? this.plan.owner.unitId;
    const outcomeTasks = (carried?.tasks ?? []).map((t) => this.task(t.caseId, t.title, t.description, personnelUnitId));
    this.state.phase = 'final';
    const at = this.touch(now);
    this.state.finalAt = at;
    const outcomes = carried?.outcomes ?? [];
    const notes = [
      tasks.length ? `整改任务：${tasks.map((t) => t.caseId).join('、')}` : null,
      ...outcomes.map((o) => `${this.ratees.get(`user:${o.userId}`)?.name ?? o.userId} ${o.note}`),
      carried?.payGrades ? `${carried.payGrades} 名网格员的绩效档次已记入工资核算` : null,
    ].filter((n): n is string => n !== null);
    this.state.history.push({ at, actorId: 'system', action: 'final', note: notes.length ? notes.join('；') : null });
    const reason = `申诉期结束，考核结果终结${tasks.length ? `；${tasks.length} 个不合格单位已下达整改任务` : ''}${outcomes.length ? `；选派人员考核结果已运用：${outcomes.map((o) => o.note).join('；')}` : ''}${carried?.payGrades ? `；${carried.payGrades} 名网格员的绩效档次已记入工资核算` : ''}`;
    const after = carried ? { rectifications: this.state.rectifications, secondment: outcomes, payGrades: carried.payGrades } : { rectifications: this.state.rectifications };
    return { note: this.systemNote('assessment.final', reason, at, after), tasks: [...tasks, ...outcomeTasks] };
  }

  // ── Human actions ───────────────────────────────────────────────────────────────────────────

  /** Throw the refusal for an action that may not be taken now; change nothing. */
  check(input: AssessmentActionInput, now: number): void {
    const { actor, action } = input;
    switch (action.type) {
      case 'score':
        return this.checkScores(actor, action.scores, now);
      case 'close-scoring':
        this.requireAssessor(actor);
        return this.requirePhase('scoring', action.type);
      case 'publish':
        this.requireAssessor(actor);
        return this.requirePhase('review', action.type);
      case 'appeal':
        return this.checkAppeal(actor, action, now);
      case 'decide-appeal':
        return this.checkDecision(actor, action);
    }
  }

  apply(input: AssessmentActionInput, now: number): CycleEffects {
    this.check(input, now);
    const { actor, action } = input;
    const effects = noEffects();
    const before = this.auditState();
    const at = this.touch(now);
    let note: string | null = null;
    switch (action.type) {
      case 'score': {
        for (const s of action.scores) {
          const byIndicator = (this.state.scores[s.rateeKey] ??= {});
          const list = (byIndicator[s.indicatorCode] ??= []).filter((x) => x.raterUnitId !== actor.unitId);
          const entry = { raterUnitId: actor.unitId, score: s.score, by: actor.userId, at, comment: s.comment ?? null };
          byIndicator[s.indicatorCode] = [...list, entry];
          effects.changed.scores.push({ ...entry, rateeKey: s.rateeKey, indicatorCode: s.indicatorCode });
        }
        note = `${actor.unitId} 评分 ${action.scores.length} 项`;
        break;
      }
      case 'close-scoring':
        this.closeScoring(now, actor, action.reason, effects);
        note = action.reason;
        break;
      case 'publish':
        this.state.phase = 'published';
        this.state.publishedAt = at;
        this.clocks.apply(APPEAL, APPEAL_LABEL, () => startClock(this.def.appealWindow, now, { actor: actor.userId, reason: '公示，申诉期开始' }), now);
        effects.notices.push(...this.publishedNotices(now));
        note = `公示，申诉期至 ${this.deadlineText(APPEAL, now)}${action.note ? `；${action.note}` : ''}`;
        break;
      case 'appeal': {
        const appeal: Appeal = {
          appealId: `A${this.state.appeals.length + 1}`,
          rateeKey: action.rateeKey,
          indicatorCode: action.indicatorCode ?? null,
          reason: action.reason,
          filedBy: actor.userId,
          filedAt: at,
          status: 'pending',
          decisionReason: null,
          decidedBy: null,
          decidedAt: null,
          before: null,
          after: null,
        };
        this.state.appeals.push(appeal);
        effects.changed.appeals.push(appeal.appealId);
        note = `${appeal.appealId}：${action.reason}`;
        break;
      }
      case 'decide-appeal': {
        const appeal = this.state.appeals.find((a) => a.appealId === action.appealId)!;
        const result = () => this.state.results.find((r) => r.rateeKey === appeal.rateeKey)!;
        appeal.before = { total: result().total, grade: result().gradeLabel };
        if (action.decision === 'adjust') {
          const list = (this.state.overrides[appeal.rateeKey] ??= []);
          for (const a of action.adjustments ?? []) list.push({ indicatorCode: a.indicatorCode, score: a.score, reason: action.reason, appealId: appeal.appealId, by: actor.userId, at });
          this.compute(now);
          effects.changed.results = true;
        }
        appeal.after = { total: result().total, grade: result().gradeLabel };
        appeal.status = action.decision === 'adjust' ? 'adjusted' : 'rejected';
        appeal.decisionReason = action.reason;
        appeal.decidedBy = actor.userId;
        appeal.decidedAt = at;
        effects.changed.appeals.push(appeal.appealId);
        note = `${appeal.appealId} ${action.decision === 'adjust' ? '调整' : '维持原结果'}：${action.reason}（${appeal.before.total} ${appeal.before.grade} → ${appeal.after.total} ${appeal.after.grade}）`;
        break;
      }
    }
    this.state.history.push({ at, actorId: actor.userId, action: action.type, note });
    effects.notes.unshift({ actorId: actor.userId, actorUnitId: actor.unitId, actorRole: actor.role, action: `assessment.${action.type}`, reason: note, before, after: this.auditState(), at });
    return effects;
  }

  // ── Reads ───────────────────────────────────────────────────────────────────────────────────

  view(now: number): AssessmentView {
    const { plan, state } = this;
    const expected = this.expectedScores();
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
      givenScores: expected.filter((e) => this.given(e.rateeKey, e.indicatorCode, e.raterUnitId)).length,
      snapshotAt: state.snapshot?.takenAt ?? null,
      scoringDeadline: this.deadline(SCORING, now),
      appealDeadline: this.deadline(APPEAL, now),
      computedAt: state.computedAt,
      publishedAt: state.publishedAt,
      finalAt: state.finalAt,
      appeals: { pending: state.appeals.filter((a) => a.status === 'pending').length, decided: state.appeals.filter((a) => a.status !== 'pending').length },
      clocks: this.clocks.snapshots(now),
    };
  }

  snapshot(now: number): CaseSnapshot {
    const summary = this.clocks.summary(now);
    const { plan, state } = this;
    const { clocks: _c, period, ...data } = this.view(now);
    const units = new Map<string, { unitId: string; relation: string }>();
    for (const r of plan.ratees) {
      units.set(`${r.unitId}|ratee`, { unitId: r.unitId, relation: 'ratee' });
      for (const list of Object.values(r.raters)) for (const u of list) units.set(`${u}|rater`, { unitId: u, relation: 'rater' });
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
      assignments: this.assignments(),
      units: [...units.values()],
      clocks: this.clocks.snapshots(now),
    };
  }

  /** The read-model delta of a transition numbered `seq`. */
  projection(seq: number, changed: CycleEffects['changed'], now: number): AssessmentProjection {
    const { state } = this;
    const final = state.phase === 'final';
    return {
      caseId: this.plan.caseId,
      seq,
      cycle: {
        phase: state.phase,
        snapshotAt: state.snapshot?.takenAt ?? null,
        scoringDeadline: this.deadline(SCORING, now),
        computedAt: state.computedAt,
        publishedAt: state.publishedAt,
        appealDeadline: this.deadline(APPEAL, now),
        finalAt: state.finalAt,
        updatedAt: state.updatedAt,
      },
      scores: changed.scores,
      results: changed.results || final ? state.results.map((r) => ({ ...r, rectificationCaseId: state.rectifications[r.rateeKey] ?? null, final })) : null,
      appeals: state.appeals.filter((a) => changed.appeals.includes(a.appealId)),
    };
  }

  // ── Internals ───────────────────────────────────────────────────────────────────────────────

  private assignments(): AssignmentSnapshot[] {
    const owner = this.plan.owner.unitId;
    switch (this.state.phase) {
      case 'scoring': {
        const out: AssignmentSnapshot[] = [{ unitId: owner, role: 'assessor', actions: ['close-scoring'] }];
        const raterUnits = new Map<string, Set<string>>();
        for (const side of this.def.sides) {
          if (!side.raters) continue;
          for (const r of this.plan.ratees) for (const u of r.raters[side.code] ?? []) raterUnits.set(u, new Set([...(raterUnits.get(u) ?? []), ...side.raters.roles]));
        }
        for (const [unitId, roles] of raterUnits) for (const role of roles) out.push({ unitId, role, actions: ['score'] });
        const leaderSides = new Set(this.def.sides.filter((s) => s.raters?.leaders).map((s) => s.code));
        const leaderUnits = new Set(this.plan.ratees.flatMap((r) => Object.entries(r.raters).filter(([side]) => leaderSides.has(side)).flatMap(([, units]) => units)));
        for (const l of this.plan.raterLeaders) if (leaderUnits.has(l.unitId)) out.push({ unitId: l.unitId, role: l.role, userId: l.userId, actions: ['score'] });
        return mergeAssignments(out);
      }
      case 'review':
        return [{ unitId: owner, role: 'assessor', actions: ['publish'] }];
      case 'published':
        return this.state.appeals.some((a) => a.status === 'pending') ? [{ unitId: owner, role: 'assessor', actions: ['decide-appeal'] }] : [];
      default:
        return [];
    }
  }

  private requirePhase(phase: AssessmentState['phase'], action: AssessmentAction['type']): void {
    if (this.state.phase === phase) return;
    throw conflict('wrong-phase', `考核当前为“${ASSESSMENT_PHASE_LABEL[this.state.phase]}”，不能${ASSESSMENT_ACTION_LABEL[action]}`, `The cycle is ${this.state.phase}; ${action} is not possible now`);
  }

  private requireAssessor(actor: AssessmentActor): void {
    if (actor.role === 'assessor' && within(this.plan.owner.unitPath, actor.unitPath)) return;
    throw forbidden('not-assessor', `只有考核组织单位（${this.plan.owner.name}）的考核员可以执行此操作`, `Only an assessor of ${this.plan.owner.unitId} may do this`);
  }

  private indicator(code: string): Indicator {
    const ind = this.def.indicators.find((i) => i.code === code);
    if (!ind) throw rule('indicator-unknown', `本方案没有这个指标：${code}`, `No indicator ${code} in this scheme`);
    return ind;
  }

  private ratee(key: string): CycleRatee {
    const r = this.ratees.get(key);
    if (!r) throw rule('ratee-unknown', `本期考核没有这个考核对象：${key}`, `No ratee ${key} in this cycle`);
    return r;
  }

  private checkScores(actor: AssessmentActor, scores: readonly { rateeKey: string; indicatorCode: string; score: number }[], now: number): void {
    if (this.state.phase === 'opening') throw conflict('scoring-not-open', '指标快照尚未完成，评分尚未开始', 'Scoring has not opened yet');
    if (this.state.phase !== 'scoring' || this.clocks.status(SCORING, now)?.overdue) throw conflict('scoring-closed', '评分已截止，不能再评分', 'Scoring is closed');
    if (scores.length === 0) throw rule('no-scores', '请至少填写一项评分', 'Give at least one score');
    for (const s of scores) {
      const ratee = this.ratee(s.rateeKey);
      const ind = this.indicator(s.indicatorCode);
      if (ind.formula.type !== 'manual') throw rule('indicator-automatic', `“${ind.name}”是自动计算的指标，不能人工评分`, `${ind.code} is computed automatically`);
      const side = this.def.sides.find((x) => x.code === ind.side)!;
      const eligible = side.raters && (side.raters.roles.includes(actor.role) || (side.raters.leaders && actor.isLeader));
      if (!eligible || !(ratee.raters[ind.side] ?? []).includes(actor.unitId)) {
        throw forbidden('not-your-ratee', `您（${actor.unitId}）不是“${ratee.name}”的“${ind.name}”评分人，只能为本单位负责评分的对象评分`, `You may not score ${ratee.key} on ${ind.code}: only your own ratees`);
      }
      if (!Number.isFinite(s.score) || s.score < 0 || s.score > ind.formula.max) throw rule('score-out-of-range', `“${ind.name}”的评分须在 0 到 ${ind.formula.max} 之间`, `A score of ${ind.code} is between 0 and ${ind.formula.max}`);
    }
  }

  private appealWindowClosed(now: number): boolean {
    return this.clocks.status(APPEAL, now)?.overdue === true;
  }

  private checkAppeal(actor: AssessmentActor, action: Extract<AssessmentAction, { type: 'appeal' }>, now: number): void {
    const ratee = this.ratee(action.rateeKey);
    const own = ratee.type === 'user' ? actor.userId === ratee.id : actor.unitId === ratee.unitId && (actor.isLeader || actor.role === 'assessor');
    if (!own) throw forbidden('not-your-result', '只能对本单位（本人）的考核结果申诉，并须由单位负责人或考核员提出', 'Only the ratee (its leader or assessor) may appeal its own result');
    if (this.state.phase !== 'published') throw conflict('not-published', '考核结果尚未公示或已终结，不能申诉', 'Appeals are possible only while the results are published');
    if (this.appealWindowClosed(now)) throw rule('appeal-window-closed', `申诉期已于 ${this.deadlineText(APPEAL, now)} 结束，不能再申诉`, 'The appeal window has closed');
    if (action.indicatorCode) this.indicator(action.indicatorCode);
    if (this.state.appeals.some((a) => a.rateeKey === ratee.key && a.status === 'pending')) throw conflict('appeal-pending', '已有一件申诉待复核，请等待结果', 'An appeal of this ratee is already pending');
  }

  private checkDecision(actor: AssessmentActor, action: Extract<AssessmentAction, { type: 'decide-appeal' }>): void {
    this.requireAssessor(actor);
    const appeal = this.state.appeals.find((a) => a.appealId === action.appealId);
    if (!appeal) throw rule('appeal-unknown', `没有这件申诉：${action.appealId}`, `No appeal ${action.appealId}`);
    if (appeal.status !== 'pending') throw conflict('appeal-decided', '该申诉已复核', 'This appeal has been decided');
    const adjustments = action.adjustments ?? [];
    if (action.decision === 'adjust' && adjustments.length === 0) throw rule('adjustments-missing', '调整须列出调整的指标及得分', 'An adjustment names the indicators and their new scores');
    if (action.decision === 'maintain' && adjustments.length > 0) throw rule('adjustments-unexpected', '维持原结果时不能调整得分', 'Maintaining the result changes no score');
    for (const a of adjustments) {
      this.indicator(a.indicatorCode);
      if (!Number.isFinite(a.score) || a.score < 0 || a.score > 100) throw rule('score-out-of-range', '调整后的指标得分须在 0 到 100 之间', 'An adjusted indicator score is between 0 and 100');
    }
  }

  private closeScoring(now: number, actor: Actor | null, reason: string, effects: CycleEffects): void {
    const late = this.missingByRater();
    this.clocks.apply(SCORING, SCORING_LABEL, () => stopClock(this.clocks.clocks[SCORING]!.clock, now, { actor: actor?.userId ?? 'system', reason }), now);
    this.compute(now);
    effects.changed.results = true;
    const at = this.touch(now);
    for (const [unitId, n] of late) {
      effects.notices.push({ caseId: this.plan.caseId, key: 'scoring-missed', kind: 'info', unitId, toLeader: true, message: `【考核】${this.plan.schemeName}（${this.plan.period.label}）评分已截止，贵单位有 ${n} 项未评分，已按方案规则处理。`, at });
    }
    if (!actor) effects.notes.push(this.systemNote('assessment.close-scoring', `${reason}${late.size ? `；${late.size} 个评分单位未按时评分，按规则处理` : ''}`, at, { late: Object.fromEntries(late) }));
  }

  private compute(now: number): void {
    const { state } = this;
    const inputs = this.plan.ratees.map((r) => ({ key: r.key, raters: r.raters, metrics: state.snapshot?.metrics[r.key] ?? {}, scores: state.scores[r.key] ?? {}, overrides: state.overrides[r.key] ?? [] }));
    state.results = computeResults(this.def, inputs);
    state.computedAt = new Date(now).toISOString();
    if (state.phase === 'opening' || state.phase === 'scoring') state.phase = 'review';
  }

  private expectedScores(): { rateeKey: string; indicatorCode: string; raterUnitId: string }[] {
    const out: { rateeKey: string; indicatorCode: string; raterUnitId: string }[] = [];
    for (const ind of manualIndicators(this.def)) for (const r of this.plan.ratees) for (const u of r.raters[ind.side] ?? []) out.push({ rateeKey: r.key, indicatorCode: ind.code, raterUnitId: u });
    return out;
  }

  private given(rateeKey: string, indicatorCode: string, raterUnitId: string): boolean {
    return (this.state.scores[rateeKey]?.[indicatorCode] ?? []).some((s) => s.raterUnitId === raterUnitId);
  }

  /** Rater unit → number of scores it still owes. */
  private missingByRater(): Map<string, number> {
    const out = new Map<string, number>();
    for (const e of this.expectedScores()) if (!this.given(e.rateeKey, e.indicatorCode, e.raterUnitId)) out.set(e.raterUnitId, (out.get(e.raterUnitId) ?? 0) + 1);
    return out;
  }

  private reminders(change: LevelChange, now: number): NoticeRequest[] {
    const key = `remind:${change.to}`;
    if (this.state.reminders.includes(key)) return [];
    this.state.reminders.push(key);
    const deadline = this.deadlineText(SCORING, now);
    return [...this.missingByRater()].map(([unitId, n]) => ({
      caseId: this.plan.caseId,
      key,
      kind: 'urge' as const,
      unitId,
      toLeader: true,
      message: `【考核评分提醒】${this.plan.schemeName}（${this.plan.period.label}）评分将于 ${deadline} 截止，贵单位尚有 ${n} 项未评分。`,
      at: change.at,
    }));
  }

  private publishedNotices(now: number): NoticeRequest[] {
    const at = new Date(now).toISOString();
    const units = [...new Set(this.plan.ratees.map((r) => r.unitId))];
    return units.map((unitId) => ({
      caseId: this.plan.caseId,
      key: 'published',
      kind: 'info' as const,
      unitId,
      toLeader: false,
      message: `【考核公示】${this.plan.schemeName}（${this.plan.period.label}）结果已公示，如有异议请于 ${this.deadlineText(APPEAL, now)} 前申诉。`,
      at,
    }));
  }

  /** Stop the appeal clock once the window is over (pending appeals are still decided afterwards). */
  private closeAppealWindow(now: number): AuditNote | null {
    const named = this.clocks.clocks[APPEAL];
    if (!named || named.clock.stoppedAt !== null || !this.appealWindowClosed(now)) return null;
    this.clocks.apply(APPEAL, APPEAL_LABEL, () => stopClock(named.clock, now, { actor: 'system', reason: '申诉期结束' }), now);
    return this.systemNote('assessment.appeals-closed', '申诉期结束，不再受理申诉', this.touch(now));
  }

  private rectification(ratee: CycleRatee, caseId: string): StartTaskInput {
    const { plan } = this;
    const result = this.state.results.find((r) => r.rateeKey === ratee.key)!;
    return this.task(
      caseId,
      `考核整改：${plan.schemeName}（${plan.period.label}）— ${ratee.name}`,
      `本期考核得分 ${result.total}，等次“${result.gradeLabel}”。请在期限内提交整改方案并落实。考核：${plan.caseId}`,
      ratee.unitId,
    );
  }

  /** A task the cycle issues to `unitId`, supervised by the organising unit, due within the scheme's rectification limit. */
  private task(caseId: string, title: string, description: string, unitId: string): StartTaskInput {
    const { plan } = this;
    return {
      caseId,
      title,
      description,
      unitId,
      ownerUnitId: plan.owner.unitId,
      createdBy: { userId: 'system', displayName: '系统（考核）', role: 'system', unitId: plan.owner.unitId, unitPath: plan.owner.unitPath },
      budget: this.def.rectification,
      calendar: this.clocks.calendarContext,
    };
  }

  private deadline(key: string, now: number): string | null {
    const named = this.clocks.clocks[key];
    if (!named) return null;
    return this.clocks.status(key, now)?.deadline ?? named.clock.stoppedAt;
  }

  private deadlineText(key: string, now: number): string {
    const d = this.deadline(key, now);
    return d ? readableShanghai(d, now) : '—';
  }

  private auditState(): { phase: string; results: number; appeals: number } {
    return { phase: this.state.phase, results: this.state.results.length, appeals: this.state.appeals.length };
  }

  private touch(now: number): string {
    const at = new Date(now).toISOString();
    this.state.updatedAt = at;
    return at;
  }

  private systemNote(action: string, reason: string, at: string, after: unknown = null): AuditNote {
    return { actorId: 'system', actorUnitId: null, actorRole: 'system', action, reason, before: null, after: after ?? this.auditState(), at };
  }
}

