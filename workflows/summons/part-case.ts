import type { NoticeRequest } from '../../domain/vocabulary';
import { URGENCY_LABEL } from '../../domain/summons';
import { readableShanghai } from '../../domain/time';
import { CaseClocks } from '../shared/case-clocks';
import type { CaseEffects, CaseMachine } from '../shared/case-machine';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { carryOut, type Plan as ClockPlan } from '../shared/clock-plan';
import type {
  DisputeRecord,
  MissRecord,
  PartActionInput,
  PartFactsRecord,
  PartOutcome,
  PartOutcomeKind,
  PartStatus,
  PartView,
  StartPartInput,
  SummonedUnitInfo,
  SummonsHistoryEntry,
  SummonsHolder,
} from './definitions';
import { deadlineOf, respondClock } from './part-clocks';
import { plan } from './part-planners';
import { assignments } from './part-policy';
import { tick } from './part-timers';
import { creationNote, facts, snapshot, view } from './part-views';
import { withAttachments } from '../shared/attachments';

/** What a performed action or a timer asks the workflow to record and send. */
export interface PartEffects extends CaseEffects {
  /** Set by the action that ended the part: what it reports to its whistle. */
  ending?: PartOutcome;
}

/** A checked action; its commit returns the note recorded with it. */
export type Plan = ClockPlan<string | null>;

/**
 * One summoned unit's part, and its machine (workflows/shared/case-machine.ts): `tick` handles
 * expired limits (a miss: 督办, and at the configured miss a red card). Who may act is in
 * part-policy.ts, the planners in part-planners.ts, its clocks in part-clocks.ts, the timers in
 * part-timers.ts, the views and facts in part-views.ts.
 */
export class PartCase implements CaseMachine<PartActionInput, PartView, PartEffects> {
  status: PartStatus = 'notified';
  /** The working state a pending dispute interrupted. */
  beforeDispute: PartStatus = 'notified';
  /** Key of the clock that runs now (`respond-n` until 报到, then `handle-n`); '' when none runs. */
  runningClock = '';
  respondRound = 1;
  handleRound = 0;
  readonly notifiedAt: string;
  acknowledgedAt: string | null = null;
  ackOnTime: boolean | null = null;
  onSiteAt: string | null = null;
  result: PartView['result'] = null;
  resultOnTime: boolean | null = null;
  sendBacks: PartView['sendBacks'] = [];
  acceptedAt: string | null = null;
  misses: MissRecord[] = [];
  redCard = false;
  redCardAt: string | null = null;
  disputes: DisputeRecord[] = [];
  rating: PartView['rating'] = null;
  outcome: PartOutcomeKind | null = null;
  resummon: SummonedUnitInfo | null = null;
  endedAt: string | null = null;
  history: SummonsHistoryEntry[] = [];
  readonly clocks: CaseClocks;
  updatedAt: string;

  /**
   * Close a missed 报到 window (off only when replaying a part started before that rule: its
   * envelope deadline, and so what a calendar change recorded, counted the missed window).
   */
  readonly closeMissedWindows: boolean;

  constructor(
    readonly input: StartPartInput,
    now: number,
    { closeMissedWindows = true }: { closeMissedWindows?: boolean } = {},
  ) {
    this.closeMissedWindows = closeMissedWindows;
    this.clocks = new CaseClocks(input.calendar);
    this.notifiedAt = new Date(now).toISOString();
    this.updatedAt = this.notifiedAt;
    const respond = respondClock(this, now, `召集 ${input.unit.name} 报到（${URGENCY_LABEL[input.urgency]}）`);
    carryOut(this.clocks, { clocks: [respond], commit: () => null }, now);
    this.runningClock = respond.key;
    this.history.push({
      at: this.notifiedAt,
      actorId: 'system',
      unitId: null,
      role: 'system',
      action: 'notify',
      note: `${input.reason.name}：${input.title}`,
    });
  }

  get finished(): boolean {
    return this.status === 'closed';
  }

  /**
   * The deadline of the current 报到 window (a miss closes its window and opens the next), moved by
   * any time in dispute (null while paused); after 报到, of the window it was made in.
   */
  ackDeadline(now: number): string | null {
    return deadlineOf(this, `respond-${this.respondRound}`, now);
  }

  /** The first 报到 deadline as people read it (`12月5日 09:30`), for the notice that summons the unit. */
  private readableAckDeadline(): string {
    const at = Date.parse(this.notifiedAt);
    const deadline = this.ackDeadline(at);
    return deadline ? readableShanghai(deadline, at) : '—';
  }

  /** The current result window's deadline (a send-back opens a new one); null before 报到. */
  resultDeadline(now: number): string | null {
    return this.handleRound > 0 ? deadlineOf(this, `handle-${this.handleRound}`, now) : null;
  }

  get liaison(): SummonsHolder {
    return { unitId: this.input.unit.unitId, role: 'dept_liaison' };
  }

  /** Who may act now; with `blocked`, also actions a rule will refuse (so the refusal is a 422, not a 403). */
  assignments(blocked = false): AssignmentSnapshot[] {
    return assignments(this, blocked);
  }

  check(input: PartActionInput, now: number): void {
    plan(this, input, now);
  }

  apply(input: PartActionInput, now: number): PartEffects {
    const { actor, action } = input;
    const planned = plan(this, input, now);
    const before = this.auditState();
    const wasFinished = this.finished;
    const note = carryOut(this.clocks, planned, now);
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
          action: `summons.part.${action.type}`,
          reason: note,
          before,
          after: withAttachments(this.auditState(), 'files' in action ? action.files : undefined),
          at,
        },
      ],
      notices: [],
      ...(this.finished && !wasFinished ? { ending: this.outcomeRecord() } : {}),
    };
  }

  /** Timers: colour changes, and a running limit that turned red is a miss (督办; the configured miss is a red card). */
  tick(now: number): PartEffects {
    return tick(this, now);
  }

  /** What the part reports to its summons once it ended. */
  outcomeRecord(): PartOutcome {
    return {
      caseId: this.input.caseId,
      unitId: this.input.unit.unitId,
      outcome: this.outcome!,
      rating: this.rating?.rating ?? null,
      resummon: this.resummon,
      endedAt: this.endedAt!,
    };
  }

  snapshot(now: number): CaseSnapshot {
    return snapshot(this, now);
  }

  view(now: number): PartView {
    return view(this, now);
  }

  /** The statistics facts as they are at transition `seq`. */
  facts(seq: number, now: number): PartFactsRecord {
    return facts(this, seq, now);
  }

  creationNote(): AuditNote {
    return creationNote(this);
  }

  /** Notices sent when the part starts: the summoned unit is told (and its leader). */
  creationNotices(): NoticeRequest[] {
    const i = this.input;
    return [
      {
        caseId: i.caseId,
        key: 'summoned',
        kind: 'info',
        unitId: i.unit.unitId,
        toLeader: true,
        message: `【吹哨】${i.township.name}召集贵单位报到：${i.title}（${URGENCY_LABEL[i.urgency]}，报到期限 ${this.readableAckDeadline()}）`,
        at: this.notifiedAt,
      },
    ];
  }

  // ---- state helpers, shared by the planners and timers ----

  end(outcome: PartOutcomeKind, now: number): void {
    this.outcome = outcome;
    this.status = 'closed';
    this.endedAt = new Date(now).toISOString();
  }

  touch(now: number): string {
    this.updatedAt = new Date(now).toISOString();
    return this.updatedAt;
  }

  auditState() {
    return { status: this.status, misses: this.misses.length, redCard: this.redCard };
  }
}
