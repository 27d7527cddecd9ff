import type { NoticeRequest } from '../../domain/vocabulary';
import { SOURCE_LABEL, type IncidentLevelNo } from '../../domain/incident';
import { startClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import { CaseClocks } from '../shared/case-clocks';
import type { CaseEffects, CaseMachine } from '../shared/case-machine';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { carryOut, type Plan as ClockPlan } from '../shared/clock-plan';
import type { StartSummonsInput, SummonsOutcome } from '../summons/definitions';
import { levelClockPlan, ORDER, ORDER_LABEL } from './clocks';
import type {
  CallbackRecord,
  IncidentActionInput,
  IncidentFactsRecord,
  IncidentHistoryEntry,
  IncidentHolder,
  IncidentStatus,
  IncidentSummonsRef,
  IncidentView,
  LateUnit,
  StartIncidentInput,
} from './definitions';
import { plan } from './planners';
import { assignments, route, rule } from './policy';
import { summonsEnded, tick } from './timers';
import { creationNote, facts, snapshot, view } from './views';
import { hasPhoto, withAttachments } from '../shared/attachments';

/** What a performed action or a timer asks the workflow to record and send. */
export interface IncidentEffects extends CaseEffects {
  /** A whistle to start as a child workflow; the event waits for its outcome. */
  summons?: StartSummonsInput;
}

/** A checked action; its commit returns the note recorded with it. */
export type Plan = ClockPlan<string | null>;

/**
 * The incident's state, and its machine (workflows/shared/case-machine.ts): `apply` performs an
 * action synchronously, before the projection is awaited, so a second action in the same workflow
 * task sees the new state. Who may act is in policy.ts, the planners in planners.ts (verification,
 * callback and reopen in follow-up.ts), the level and order clocks in clocks.ts, the timers (and a
 * whistle's end) in timers.ts, the views in views.ts.
 */
export class IncidentCase implements CaseMachine<IncidentActionInput, IncidentView, IncidentEffects> {
  status: IncidentStatus = 'dispatched';
  level: IncidentLevelNo;
  assignee: IncidentHolder;
  /** Key of the running clock of the current level (a reopen starts a fresh one). */
  levelClock = '';
  firstReceiverUnitId: string | null = null;
  firstSignedAt: string | null = null;
  escalations: IncidentView['escalations'] = [];
  lateUnits: LateUnit[] = [];
  disputes: IncidentView['disputes'] = [];
  resolution: IncidentView['resolution'] = null;
  finalLevel: IncidentLevelNo | null = null;
  onTime: boolean | null = null;
  verifications: IncidentView['verifications'] = [];
  callbacks: CallbackRecord[] = [];
  reopens = 0;
  redCard = false;
  urgeCount = 0;
  /** Notices an action's commit asks for, handed to the workflow by `apply`. */
  outbox: NoticeRequest[] = [];
  summonses: IncidentSummonsRef[] = [];
  /** The state a whistle interrupted, resumed when the summons ends. */
  beforeSummons: IncidentStatus = 'handling';
  callbackDue = false;
  orderOverdue = false;
  /** The first receiver signed for the 12345 order only after its deadline. */
  signedLate = false;
  /** Units that held the event, in order (the first is where it started). */
  held: string[] = [];
  history: IncidentHistoryEntry[] = [];
  readonly clocks: CaseClocks;
  readonly createdAt: string;
  updatedAt: string;
  /** 结案: verification passed. */
  closedAt: string | null = null;
  resolvedAt: string | null = null;
  /** Nothing more can happen (callback done or none due). */
  finishedAt: string | null = null;

  /** 督办 to the late unit when a level below L4 expires (off only when replaying an event started before that rule). */
  readonly lateUnitNotices: boolean;
  /**
   * A 12345 order's sender decides its disputes and re-assigns it (off only when replaying an event
   * started before that rule, whose updates were authorised by the level's dispatcher).
   */
  readonly senderDecides: boolean;
  /** When the current assignee was dispatched to (its dispute window starts then). */
  dispatchedAt: number;

  constructor(
    readonly input: StartIncidentInput,
    now: number,
    { lateUnitNotices = true, senderDecides = true }: { lateUnitNotices?: boolean; senderDecides?: boolean } = {},
  ) {
    this.lateUnitNotices = lateUnitNotices;
    this.senderDecides = senderDecides;
    this.clocks = new CaseClocks(input.calendar);
    this.createdAt = new Date(now).toISOString();
    this.updatedAt = this.createdAt;
    this.dispatchedAt = now;
    this.level = input.startLevel;
    this.assignee = route(this, input.startLevel);
    this.held.push(this.assignee.unitId);
    // 首接负责制: the unit a 12345 order is first dispatched to stays its first receiver.
    if (input.hotline && senderDecides) this.firstReceiverUnitId = this.assignee.unitId;
    const start = levelClockPlan(this, input.startLevel, now, '事件上报');
    this.clocks.apply(start.key, start.label, () => start.clock, now);
    this.levelClock = start.key;
    if (input.hotline) {
      const order = startClock(input.hotline.limit, now, {
        actor: input.reportedBy.userId,
        reason: `12345 工单：${input.hotline.orderTypeName}`,
      });
      this.clocks.apply(ORDER, ORDER_LABEL, () => order, now);
    }
    this.history.push(
      this.entry(
        input.reportedBy,
        'report',
        `${SOURCE_LABEL[input.source]}｜${input.category.name}／${input.urgency.name}：${input.title}`,
        this.createdAt,
      ),
    );
  }

  get finished(): boolean {
    return this.status === 'closed';
  }

  /** Who may act now; with `blocked`, also actions that a rule will refuse (so the refusal is a 422, not a 403). */
  assignments(blocked = false): AssignmentSnapshot[] {
    return assignments(this, blocked);
  }

  check(input: IncidentActionInput, now: number): void {
    plan(this, input, now);
    // In the validator only, so events resolved before the rule replay unchanged.
    const { action } = input;
    if (action.type === 'resolve' && !hasPhoto(action.files) && !action.noPhotoReason?.trim()) {
      throw rule(
        'resolve-photo-required',
        '办结须上传至少一张处置后照片，或说明无法拍照的原因',
        'Resolving needs at least one photo of the result, or a stated reason why there is none',
      );
    }
  }

  apply(input: IncidentActionInput, now: number): IncidentEffects {
    const { actor, action } = input;
    const planned = plan(this, input, now);
    const before = this.auditState();
    const level = this.level;
    const note = carryOut(this.clocks, planned, now);
    const at = this.touch(now);
    this.history.push({ ...this.entry(actor, action.type, note, at), level });
    const notices = this.outbox;
    this.outbox = [];
    return {
      notes: [
        {
          actorId: actor.userId,
          actorUnitId: actor.unitId,
          actorRole: actor.role,
          action: `incident.${action.type}`,
          reason: note,
          before,
          after: withAttachments(this.auditState(), 'files' in action ? action.files : undefined),
          at,
        },
      ],
      notices,
      ...(action.type === 'whistle' ? { summons: action.summons } : {}),
    };
  }

  /** The whistle ended (closed, or not approved): the event resumes where it was, its level clock running again. */
  summonsEnded(outcome: SummonsOutcome, now: number): IncidentEffects {
    return summonsEnded(this, outcome, now);
  }

  /** Colour changes, automatic escalation of an expired level, an overdue 12345 order: see timers.ts. */
  tick(now: number): IncidentEffects {
    return tick(this, now);
  }

  snapshot(now: number): CaseSnapshot {
    return snapshot(this, now);
  }

  view(now: number): IncidentView {
    return view(this, now);
  }

  /** The statistics facts as they are at transition `seq`. */
  facts(seq: number): IncidentFactsRecord {
    return facts(this, seq);
  }

  creationNote(): AuditNote {
    return creationNote(this);
  }

  // ---- state helpers, shared by the planners and timers ----

  finish(now: number): void {
    this.status = 'closed';
    this.finishedAt = new Date(now).toISOString();
  }

  touch(now: number): string {
    this.updatedAt = new Date(now).toISOString();
    return this.updatedAt;
  }

  auditState() {
    return { status: this.status, level: this.level, unitId: this.assignee.unitId };
  }

  entry(actor: Actor, action: string, note: string | null, at: string): IncidentHistoryEntry {
    return {
      at,
      actorId: actor.userId,
      unitId: actor.unitId || null,
      role: actor.role,
      action,
      level: this.level,
      note,
    };
  }
}
