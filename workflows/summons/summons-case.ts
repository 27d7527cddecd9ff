import { RATING_LABEL, URGENCY_LABEL } from '../../domain/summons';
import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import { CaseClocks } from '../shared/case-clocks';
import type { CaseEffects, CaseMachine } from '../shared/case-machine';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import {
  partCaseId,
  SUMMONS_ACTION_LABEL,
  SUMMONS_STATUS_LABEL,
  type PartOutcome,
  type StartPartInput,
  type StartSummonsInput,
  type SummonedUnitInfo,
  type SummonsActionInput,
  type SummonsActionType,
  type SummonsFactsRecord,
  type SummonsHistoryEntry,
  type SummonsHolder,
  type SummonsOutcome,
  type SummonsPartRef,
  type SummonsStatus,
  type SummonsView,
} from './definitions';

const OUTCOME_LABEL: Record<PartOutcome['outcome'], string> = {
  completed: '已验收',
  released: '异议成立，不属其职责',
  withdrawn: '已撤回',
};

/** What an action or an ended part asks the workflow to record and start. */
export interface SummonsEffects extends CaseEffects {
  /** Parts to start as child workflows. */
  start: StartPartInput[];
}

/**
 * A whistle's state machine (workflows/shared/case-machine.ts): leader approval, the parts it
 * started and how they ended, closing. It has no clocks of its own, so `tick` has nothing to do.
 */
export class SummonsCase implements CaseMachine<SummonsActionInput, SummonsView, SummonsEffects> {
  status: SummonsStatus = 'awaiting-approval';
  approval: SummonsView['approval'] = null;
  parts: SummonsPartRef[] = [];
  summary: string | null = null;
  closedAt: string | null = null;
  history: SummonsHistoryEntry[] = [];
  /** No clocks of its own; it keeps the calendar its parts (and re-summoned ones) start with. */
  readonly clocks: CaseClocks;
  readonly createdAt: string;
  updatedAt: string;

  constructor(
    readonly input: StartSummonsInput,
    now: number,
  ) {
    this.clocks = new CaseClocks(input.calendar);
    this.createdAt = new Date(now).toISOString();
    this.updatedAt = this.createdAt;
    const w = input.whistledBy;
    this.history.push({
      at: this.createdAt,
      actorId: w.userId,
      unitId: w.unitId,
      role: w.role,
      action: 'whistle',
      note: `${input.reason.name}：${input.title}`,
    });
  }

  get finished(): boolean {
    return this.status === 'closed' || this.status === 'rejected';
  }

  /** Parts still running (started, not ended). */
  get openParts(): SummonsPartRef[] {
    return this.parts.filter((p) => p.outcome === null);
  }

  assignments(blocked = false): AssignmentSnapshot[] {
    const out: AssignmentSnapshot[] = [];
    const give = (holder: SummonsHolder, actions: SummonsActionType[]) => out.push({ ...holder, actions });
    if (this.status === 'awaiting-approval') this.input.approvers.forEach((a) => give(a, ['approve', 'reject']));
    if (this.status === 'summoning' && (blocked || this.openParts.length === 0)) give(this.input.dispatcher, ['close']);
    return mergeAssignments(out);
  }

  check(input: SummonsActionInput, now: number): void {
    this.plan(input, now);
  }

  apply(input: SummonsActionInput, now: number): SummonsEffects {
    const { actor, action } = input;
    const commit = this.plan(input, now);
    const before = this.auditState();
    const { note, start } = commit();
    const at = this.touch(now);
    this.history.push({
      at,
      actorId: actor.userId,
      unitId: actor.unitId || null,
      role: actor.role,
      action: action.type,
      note,
    });
    return {
      notes: [
        {
          actorId: actor.userId,
          actorUnitId: actor.unitId,
          actorRole: actor.role,
          action: `summons.${action.type}`,
          reason: note,
          before,
          after: this.auditState(),
          at,
        },
      ],
      notices: [],
      start,
    };
  }

  tick(): SummonsEffects {
    return { notes: [], notices: [], start: [] };
  }

  /** A part ended: record how; an upheld dispute with a re-summons starts the new unit's part. */
  partEnded(outcome: PartOutcome, now: number): SummonsEffects {
    const part = this.parts.find((p) => p.caseId === outcome.caseId);
    const before = this.auditState();
    if (part) part.outcome = outcome;
    const at = this.touch(now);
    const start =
      outcome.resummon && this.status === 'summoning' ? [this.startPart(outcome.resummon, outcome.caseId, now)] : [];
    const rating = outcome.rating ? `，评价：${RATING_LABEL[outcome.rating]}` : '';
    const note = `${part?.unit.name ?? outcome.unitId}：${OUTCOME_LABEL[outcome.outcome]}${rating}${outcome.resummon ? `；县综合指挥中心改召 ${outcome.resummon.name}` : ''}`;
    this.history.push({ at, actorId: 'system', unitId: null, role: 'system', action: 'part-ended', note });
    return {
      notes: [
        {
          actorId: 'system',
          actorUnitId: null,
          actorRole: 'system',
          action: 'summons.part-ended',
          reason: note,
          before,
          after: { ...this.auditState(), part: outcome },
          at,
        },
      ],
      notices: [],
      start,
    };
  }

  /** What the summons returns (and an L3 incident resumes with). */
  outcome(): SummonsOutcome {
    return {
      caseId: this.input.caseId,
      status: this.status === 'rejected' ? 'rejected' : 'closed',
      summary: this.summary,
      parts: this.parts.flatMap((p) => (p.outcome ? [p.outcome] : [])),
    };
  }

  snapshot(now: number): CaseSnapshot {
    const { assignments, history: _h, ...data } = this.view();
    const i = this.input;
    return {
      caseId: i.caseId,
      process: 'summons',
      title: i.title,
      status: this.status,
      currentStep: SUMMONS_STATUS_LABEL[this.status],
      level: null,
      unitId: i.township.unitId,
      ownerUnitId: i.township.unitId,
      colour: 'green',
      deadline: null,
      calendarWarnings: [],
      data: { kind: 'summons', ...data } as unknown as Record<string, unknown>,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      closedAt: this.closedAt,
      assignments,
      // Summoned units see their own part only, never the whistle with every unit's part.
      units: [
        { unitId: i.township.unitId, relation: 'owner' },
        { unitId: i.arbiter.unitId, relation: 'arbiter' },
      ],
      clocks: this.clocks.snapshots(now),
    };
  }

  view(): SummonsView {
    const i = this.input;
    return {
      caseId: i.caseId,
      status: this.status,
      statusLabel: SUMMONS_STATUS_LABEL[this.status],
      title: i.title,
      description: i.description,
      reason: i.reason,
      urgency: i.urgency,
      complexity: i.complexity,
      keyTask: i.keyTask,
      townshipId: i.township.unitId,
      incidentId: i.incidentId,
      whistledBy: i.whistledBy.userId,
      approval: this.approval,
      parts: this.parts,
      summary: this.summary,
      closedAt: this.closedAt,
      history: this.history,
      assignments: this.assignments(),
    };
  }

  facts(seq: number): SummonsFactsRecord {
    const i = this.input;
    const decided = this.approval;
    return {
      caseId: i.caseId,
      seq,
      townshipId: i.township.unitId,
      townshipPath: i.township.path,
      incidentId: i.incidentId,
      reasonCode: i.reason.code,
      urgencyCode: i.urgency,
      complexity: i.complexity,
      status: this.status,
      unitCount: new Set(this.parts.length ? this.parts.map((p) => p.unit.unitId) : i.units.map((u) => u.unitId)).size,
      whistledBy: i.whistledBy.userId,
      whistledAt: this.createdAt,
      approvedBy: decided?.approved ? decided.by : null,
      approvedAt: decided?.approved ? decided.at : null,
      rejectedBy: decided && !decided.approved ? decided.by : null,
      rejectedAt: decided && !decided.approved ? decided.at : null,
      rejectedReason: decided && !decided.approved ? decided.note : null,
      closedAt: this.closedAt,
    };
  }

  creationNote(): AuditNote {
    const w = this.input.whistledBy;
    const i = this.input;
    return {
      actorId: w.userId,
      actorUnitId: w.unitId,
      actorRole: w.role,
      action: 'summons.whistle',
      reason: `${i.reason.name}：${i.title}`,
      before: null,
      after: {
        ...this.auditState(),
        reason: i.reason.code,
        urgency: i.urgency,
        complexity: i.complexity,
        units: i.units.map((u) => u.unitId),
        incidentId: i.incidentId,
        limits: i.limits,
      },
      at: this.createdAt,
    };
  }

  // ---- planning ----

  private plan(
    { actor, action }: SummonsActionInput,
    now: number,
  ): () => { note: string | null; start: StartPartInput[] } {
    this.authorise(actor, action.type);
    const at = new Date(now).toISOString();
    switch (action.type) {
      case 'approve':
        return () => {
          this.approval = { by: actor.userId, at, approved: true, note: action.note ?? null };
          this.status = 'summoning';
          const start = this.input.units.map((u) => this.startPart(u, null, now));
          return {
            note: `批准吹哨，召集 ${this.input.units.map((u) => u.name).join('、')}（${URGENCY_LABEL[this.input.urgency]}）${action.note ? `：${action.note}` : ''}`,
            start,
          };
        };
      case 'reject':
        return () => {
          this.approval = { by: actor.userId, at, approved: false, note: action.reason };
          this.status = 'rejected';
          this.closedAt = at;
          return { note: action.reason, start: [] };
        };
      case 'close': {
        const open = this.openParts;
        if (open.length > 0) {
          throw caseError(
            CaseErrorType.RuleRefused,
            'summons-parts-open',
            `事不完、人不撤：${open.map((p) => p.unit.name).join('、')} 的召集尚未验收评价或结束，不能办结`,
            `Parts still open (${open.map((p) => p.unit.unitId).join(', ')}): every summoned unit's part must be accepted and rated, released or withdrawn first`,
          );
        }
        return () => {
          this.summary = action.summary;
          this.status = 'closed';
          this.closedAt = at;
          return { note: action.summary, start: [] };
        };
      }
    }
  }

  private startPart(unit: SummonedUnitInfo, replaces: string | null, now: number): StartPartInput {
    const i = this.input;
    const caseId = partCaseId(i.caseId, unit.unitId);
    this.parts.push({ caseId, unit, replaces, startedAt: new Date(now).toISOString(), outcome: null });
    return {
      caseId,
      summonsId: i.caseId,
      title: i.title,
      description: i.description,
      reason: i.reason,
      unit,
      township: i.township,
      urgency: i.urgency,
      complexity: i.complexity,
      limits: i.limits,
      dispatcher: i.dispatcher,
      arbiter: i.arbiter,
      replaces,
      calendar: this.clocks.calendarContext,
    };
  }

  private authorise(actor: Actor, type: SummonsActionType): void {
    const open = this.assignments(true).filter((a) => a.actions.includes(type));
    if (open.length === 0) {
      throw caseError(
        CaseErrorType.InvalidState,
        'wrong-state',
        `吹哨当前状态为“${SUMMONS_STATUS_LABEL[this.status]}”，不能${SUMMONS_ACTION_LABEL[type]}`,
        `The summons is ${this.status}; ${type} is not possible now`,
      );
    }
    if (!open.some((a) => holds(a, actor))) {
      const leaderOnly = type === 'approve' || type === 'reject';
      throw caseError(
        CaseErrorType.Forbidden,
        leaderOnly ? 'leader-approval-required' : 'not-your-action',
        leaderOnly
          ? '吹哨须经乡镇（街道）领导审批，您无权审批'
          : `您不是此吹哨的办理人，无权${SUMMONS_ACTION_LABEL[type]}`,
        leaderOnly
          ? 'A whistle needs the approval of a township leader; you may not approve it'
          : `You may not ${type} this summons`,
      );
    }
  }

  private touch(now: number): string {
    this.updatedAt = new Date(now).toISOString();
    return this.updatedAt;
  }

  private auditState() {
    return {
      status: this.status,
      parts: this.parts.map((p) => ({ unitId: p.unit.unitId, outcome: p.outcome?.outcome ?? null })),
    };
  }
}
