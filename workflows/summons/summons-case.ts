import { RATING_LABEL } from '../../domain/summons';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { CaseClocks } from '../shared/case-clocks';
import type { CaseEffects, CaseMachine } from '../shared/case-machine';
import type {
  PartOutcome,
  StartPartInput,
  StartSummonsInput,
  SummonsActionInput,
  SummonsFactsRecord,
  SummonsHistoryEntry,
  SummonsOutcome,
  SummonsPartRef,
  SummonsStatus,
  SummonsView,
} from './definitions';
import { plan, startPart } from './summons-planners';
import { assignments } from './summons-policy';
import { creationNote, facts, snapshot, view } from './summons-views';

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
 * Who may act is in summons-policy.ts, the planners in summons-planners.ts, the views and facts in
 * summons-views.ts.
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

  /**
   * `endingOf`: the outcome a part told the whistle it is ending with, before its result arrives
   * (kept by the workflow, outside the case's state: an undone action does not forget it).
   */
  constructor(
    readonly input: StartSummonsInput,
    now: number,
    readonly endingOf: (caseId: string) => PartOutcome | undefined = () => undefined,
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

  /** Who may act now; with `blocked`, also a close its open parts will refuse. */
  assignments(blocked = false): AssignmentSnapshot[] {
    return assignments(this, blocked);
  }

  /** Checks a close as one that may wait for the results of parts that told the whistle they are ending. */
  check(input: SummonsActionInput, now: number): void {
    plan(this, input, now, true);
  }

  apply(input: SummonsActionInput, now: number): SummonsEffects {
    const { actor, action } = input;
    const commit = plan(this, input, now);
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
      outcome.resummon && this.status === 'summoning' ? [startPart(this, outcome.resummon, outcome.caseId, now)] : [];
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
    return snapshot(this, now);
  }

  view(): SummonsView {
    return view(this);
  }

  facts(seq: number): SummonsFactsRecord {
    return facts(this, seq);
  }

  creationNote(): AuditNote {
    return creationNote(this);
  }

  touch(now: number): string {
    this.updatedAt = new Date(now).toISOString();
    return this.updatedAt;
  }

  auditState() {
    return {
      status: this.status,
      parts: this.parts.map((p) => ({ unitId: p.unit.unitId, outcome: p.outcome?.outcome ?? null })),
    };
  }
}
