import type { NoticeRequest } from '../../activities/notices';
import { buildCalendar, CalendarYearMissingError, type Duration } from '../../domain/calendar';
import {
  disputeDeadline,
  disputeTooLate,
  escalationTarget,
  isViolation,
  LEVEL_LABEL,
  limitBudget,
  limitLabel,
  SATISFACTION_LABEL,
  SOURCE_LABEL,
  TOP_LEVEL,
  type IncidentLevelNo,
} from '../../domain/incident';
import { extendClock, pauseClock, resumeClock, startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import { CaseClocks, type LevelChange, levelChangeNote } from '../shared/case-clocks';
import { carryOut, planClock, type ClockChange, type Plan as ClockPlan } from '../shared/clock-plan';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { hasPhoto, withAttachments } from '../shared/attachments';
import { CaseErrorType, caseError } from '../shared/errors';
import {
  INCIDENT_ACTION_LABEL,
  INCIDENT_STATUS_LABEL,
  type CallbackRecord,
  type IncidentAction,
  type IncidentActionInput,
  type IncidentActionType,
  type IncidentFactsRecord,
  type IncidentHistoryEntry,
  type IncidentHolder,
  type IncidentStatus,
  type IncidentSummonsRef,
  type IncidentView,
  type LateUnit,
  type StartIncidentInput,
} from './definitions';
import type { StartSummonsInput, SummonsOutcome } from '../summons/definitions';

const ORDER = 'order';
const ORDER_LABEL = '12345 工单办理时限';
/** States in which the current level's unit is working on the event and its clock runs. */
const OPEN: ReadonlySet<IncidentStatus> = new Set(['dispatched', 'disputed', 'handling', 'summoning']);
/** States in which a supervisor may send 督办 (someone is expected to act and a clock runs). */
const URGEABLE: ReadonlySet<IncidentStatus> = new Set(['dispatched', 'disputed', 'handling', 'verifying']);
/** The level at which the township may blow the whistle (DOMAIN §5: 难事不出乡). */
const WHISTLE_LEVEL: IncidentLevelNo = 3;

const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);
const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);

/** What a performed action or a timer asks the workflow to record and send. */
export interface IncidentEffects {
  notes: AuditNote[];
  notices: NoticeRequest[];
  /** A whistle to start as a child workflow; the event waits for its outcome. */
  summons?: StartSummonsInput;
}

/** A checked action; its commit returns the note recorded with it. */
type Plan = ClockPlan<string | null>;

/**
 * The incident's state machine, free of Temporal APIs. `check` answers whether an action is allowed
 * now and changes nothing (the Update validator); `apply` performs it synchronously, before the
 * projection is awaited, so a second action in the same workflow task sees the new state.
 */
export class IncidentCase {
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
  private outbox: NoticeRequest[] = [];
  summonses: IncidentSummonsRef[] = [];
  /** The state a whistle interrupted, resumed when the summons ends. */
  private beforeSummons: IncidentStatus = 'handling';
  callbackDue = false;
  orderOverdue = false;
  /** The first receiver signed for the 12345 order only after its deadline. */
  private signedLate = false;
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
  private readonly lateUnitNotices: boolean;
  /**
   * A 12345 order's sender decides its disputes and re-assigns it (off only when replaying an event
   * started before that rule, whose updates were authorised by the level's dispatcher).
   */
  private readonly senderDecides: boolean;
  /** When the current assignee was dispatched to (its dispute window starts then). */
  private dispatchedAt: number;

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
    this.assignee = this.route(input.startLevel);
    this.held.push(this.assignee.unitId);
    // 首接负责制: the unit a 12345 order is first dispatched to stays its first receiver.
    if (input.hotline && senderDecides) this.firstReceiverUnitId = this.assignee.unitId;
    const start = this.levelClockPlan(input.startLevel, now, '事件上报');
    this.clocks.apply(start.key, start.label, () => start.clock, now);
    this.levelClock = start.key;
    if (input.hotline) {
      const order = startClock(input.hotline.limit, now, { actor: input.reportedBy.userId, reason: `12345 工单：${input.hotline.orderTypeName}` });
      this.clocks.apply(ORDER, ORDER_LABEL, () => order, now);
    }
    this.history.push(this.entry(input.reportedBy, 'report', `${SOURCE_LABEL[input.source]}｜${input.category.name}／${input.urgency.name}：${input.title}`, this.createdAt));
  }

  get finished(): boolean {
    return this.status === 'closed';
  }

  /** Who may act now; with `blocked`, also actions that a rule will refuse (so the refusal is a 422, not a 403). */
  assignments(blocked = false): AssignmentSnapshot[] {
    const out: AssignmentSnapshot[] = [];
    const give = (holder: IncidentHolder | null, actions: IncidentActionType[]) => holder && out.push({ ...holder, actions });
    const dispatcher = this.dispatcher(this.level);
    const canEscalate: IncidentActionType[] = this.level < TOP_LEVEL || blocked ? ['escalate'] : [];
    const canWhistle: IncidentActionType[] = this.level === WHISTLE_LEVEL || blocked ? ['whistle'] : [];
    const sender = this.senderDecides ? this.sender() : null;
    switch (this.status) {
      case 'dispatched':
        give(this.assignee, ['sign', 'dispute', ...canEscalate]);
        give(dispatcher, ['dispatch', ...canEscalate, ...canWhistle]);
        give(sender, ['dispatch']);
        break;
      case 'disputed':
        // A 12345 order's dispute is decided by its sender (the command centre), anywhere in the county.
        if (sender) give(sender, ['dispatch']);
        else give(dispatcher, ['dispatch', ...canEscalate]);
        break;
      case 'handling':
        give(this.assignee, ['resolve', ...canEscalate]);
        give(dispatcher, [...canEscalate, ...canWhistle]);
        break;
      case 'summoning':
        break;
      case 'verifying':
        give(this.verifier(), ['verify']);
        break;
      case 'awaiting-callback':
        give(this.input.callback, ['callback']);
        break;
      case 'closed':
        break;
    }
    if (this.input.hotline && OPEN.has(this.status)) {
      give(this.input.callback, ['extend', ...(this.callbackDue ? (['callback'] as const) : [])]);
    }
    // 督办: the supervisors of the event's township (while it is handled in the township) and county.
    if (URGEABLE.has(this.status)) {
      if (this.level < TOP_LEVEL) give({ unitId: this.input.territory.townshipId, role: 'supervisor' }, ['urge']);
      give({ unitId: this.input.territory.countyId, role: 'supervisor' }, ['urge']);
    }
    return mergeAssignments(out);
  }

  check(input: IncidentActionInput, now: number): void {
    this.plan(input, now);
    // In the validator only, so events resolved before the rule replay unchanged.
    const { action } = input;
    if (action.type === 'resolve' && !hasPhoto(action.files) && !action.noPhotoReason?.trim()) {
      throw rule('resolve-photo-required', '办结须上传至少一张处置后照片，或说明无法拍照的原因', 'Resolving needs at least one photo of the result, or a stated reason why there is none');
    }
  }

  apply(input: IncidentActionInput, now: number): IncidentEffects {
    const { actor, action } = input;
    const plan = this.plan(input, now);
    const before = this.auditState();
    const level = this.level;
    const note = carryOut(this.clocks, plan, now);
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
    const before = this.auditState();
    const ref = this.summonses.find((s) => s.caseId === outcome.caseId);
    if (ref) ref.outcome = outcome;
    const resumed = planClock(this.clocks, this.levelClock, this.levelLabel(this.level), (c) => resumeClock(c!, now, { reason: `吹哨结束（${outcome.caseId}）` }), now);
    const at = this.touch(now);
    const note = { closed: `吹哨办结（${outcome.caseId}）：${outcome.summary ?? ''}`, rejected: `吹哨未获批准（${outcome.caseId}）`, aborted: `吹哨流程异常终止（${outcome.caseId}）` }[outcome.status];
    carryOut(this.clocks, { clocks: [resumed], commit: () => (this.status = this.beforeSummons) }, now);
    this.history.push({ at, actorId: 'system', unitId: null, role: 'system', action: 'summons-ended', level: this.level, note });
    return { notes: [this.systemNote('incident.summons-ended', note, before, { ...this.auditState(), summons: outcome }, at)], notices: [] };
  }

  /**
   * Timers: record colour changes; a level whose limit expired unresolved moves up one level with
   * the late unit recorded and urged (督办 to it and its leader; at L4: red card and 督办 to the
   * department and the county leadership);
   * a 12345 order past its deadline is due for a callback, with 督办 to the handling unit.
   */
  tick(now: number): IncidentEffects {
    const effects: IncidentEffects = { notes: [], notices: [] };
    const changes = this.clocks.recordTransitions(now);
    if (changes.length) {
      const at = this.touch(now);
      const last = changes[changes.length - 1]!;
      effects.notes.push(this.systemNote('clock.level', levelChangeNote(last), { level: changes[0]!.from }, { level: last.to, changes }, at));
    }
    const red = (key: string, list: LevelChange[]) => list.some((c) => c.key === key && c.to === 'red');
    if (OPEN.has(this.status) && red(this.levelClock, changes)) this.expireLevel(now, effects);
    if (this.input.hotline && !this.orderOverdue && red(ORDER, changes) && !this.closedAt) this.expireOrder(now, effects);
    return effects;
  }

  snapshot(now: number): CaseSnapshot {
    const summary = this.clocks.summary(now);
    const { clocks: _c, assignments, history: _h, ...data } = this.view(now);
    const units = new Map<string, { unitId: string; relation: string }>();
    const add = (unitId: string | undefined, relation: string) => unitId && units.set(`${unitId}|${relation}`, { unitId, relation });
    add(this.input.territory.gridId, 'reporter');
    add(this.input.reportedBy.unitId, 'reporter');
    this.held.forEach((u) => add(u, 'handler'));
    add(this.dispatcher(this.level).unitId, 'dispatcher');
    if (this.status === 'verifying') add(this.verifier().unitId, 'verifier');
    // Every unit that acted on the event keeps sight of it after it moves on or closes.
    this.history.forEach((h) => add(h.unitId ?? undefined, 'participant'));
    add(this.input.callback?.unitId, 'callback');
    return {
      caseId: this.input.caseId,
      process: 'incident',
      title: this.input.title,
      status: this.status,
      currentStep: INCIDENT_STATUS_LABEL[this.status],
      level: this.level,
      unitId: this.assignee.unitId,
      ownerUnitId: this.dispatcher(this.level).unitId,
      colour: summary.colour,
      deadline: summary.deadline,
      calendarWarnings: summary.calendarWarnings,
      data: data as unknown as Record<string, unknown>,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      closedAt: this.finishedAt,
      assignments,
      units: [...units.values()],
      clocks: this.clocks.snapshots(now),
    };
  }

  view(now: number): IncidentView {
    const i = this.input;
    const order = i.hotline ? this.clocks.status(ORDER, now) : null;
    return {
      caseId: i.caseId,
      status: this.status,
      statusLabel: INCIDENT_STATUS_LABEL[this.status],
      title: i.title,
      description: i.description,
      source: i.source,
      category: i.category,
      urgency: { code: i.urgency.code, name: i.urgency.name },
      location: i.location,
      attachments: i.attachments,
      gridId: i.territory.gridId,
      level: this.level,
      assignee: this.assignee,
      firstReceiverUnitId: this.firstReceiverUnitId,
      disputeDeadline: this.disputeDeadline(),
      escalations: this.escalations,
      lateUnits: this.lateUnits,
      disputes: this.disputes,
      resolution: this.resolution,
      finalLevel: this.finalLevel,
      verifications: this.verifications,
      callbacks: this.callbacks,
      reopens: this.reopens,
      redCard: this.redCard,
      urgeCount: this.urgeCount,
      summonses: this.summonses,
      hotline: i.hotline ? { ...i.hotline, deadline: order?.deadline ?? null, overdue: this.orderOverdue, callbackDue: this.callbackDue, sender: this.sender()! } : null,
      closedAt: this.closedAt,
      history: this.history,
      assignments: this.assignments(),
      clocks: this.clocks.snapshots(now),
    };
  }

  facts(seq: number): IncidentFactsRecord {
    const i = this.input;
    const last = this.callbacks.at(-1);
    const orderDeadline = i.hotline ? this.clocks.clocks[ORDER]?.clock : undefined;
    return {
      caseId: i.caseId,
      seq,
      categoryCode: i.category.code,
      urgencyCode: i.urgency.code,
      source: i.source,
      gridId: i.territory.gridId,
      gridPath: i.territory.gridPath,
      unitIds: [...new Set(this.held)],
      status: this.status,
      startLevel: i.startLevel,
      currentLevel: this.level,
      finalLevel: this.finalLevel,
      escalations: this.escalations.length,
      autoEscalations: this.escalations.filter((e) => e.automatic).length,
      lateUnits: this.lateUnits.map(({ level, unitId, deadline }) => ({ level, unitId, deadline })),
      reopens: this.reopens,
      onTime: this.onTime,
      redCard: this.redCard,
      satisfaction: last?.satisfaction ?? null,
      reportedAt: this.createdAt,
      resolvedAt: this.resolvedAt,
      closedAt: this.closedAt,
      hotlineType: i.hotline?.orderType ?? null,
      hotlineResponded: orderDeadline ? this.firstSignedAt !== null && !this.signedLate : null,
      hotlineResolved: i.hotline ? (last?.resolved ?? null) : null,
    };
  }

  creationNote(): AuditNote {
    const a = this.input.reportedBy;
    return {
      actorId: a.userId,
      actorUnitId: a.unitId,
      actorRole: a.role,
      action: 'incident.report',
      reason: this.input.title,
      before: null,
      after: withAttachments({ ...this.auditState(), source: this.input.source, category: this.input.category.code, urgency: this.input.urgency.code, limits: this.input.limits }, this.input.files),
      at: this.createdAt,
    };
  }

  // ---- planning ----

  private plan({ actor, action }: IncidentActionInput, now: number): Plan {
    this.authorise(actor, action.type);
    switch (action.type) {
      case 'sign':
        return {
          clocks: [],
          commit: () => {
            this.status = 'handling';
            if (this.input.hotline && this.firstSignedAt === null) {
              this.firstReceiverUnitId ??= actor.unitId;
              this.firstSignedAt = new Date(now).toISOString();
              this.signedLate = this.orderOverdue;
            }
            return action.note ?? null;
          },
        };
      case 'dispute': {
        if (this.input.hotline && !action.basis) {
          throw rule('hotline-dispute-needs-basis', '12345 工单实行首接负责制，不得拒收；如确非本单位职责，须提出正式异议并写明依据', 'A 12345 order cannot be refused (first-receiver responsibility); a formal dispute must state its basis');
        }
        const window = this.input.disputeWindow;
        const late = window ? disputeTooLate(window, this.dispatchedAt, now, this.clocks.workingCalendar) : null;
        if (late) throw rule(late.code, late.zh, late.en);
        if (this.disputes.some((d) => d.unitId === actor.unitId && d.ruling === 'rejected')) {
          throw rule('dispute-already-ruled', '本单位对此派单的异议已被裁定不成立，请签收办理', 'Your unit’s dispute of this dispatch was already ruled unfounded: sign for it and handle it');
        }
        return {
          clocks: [],
          commit: () => {
            this.disputes.push({ unitId: actor.unitId, reason: action.reason, basis: action.basis ?? null, at: new Date(now).toISOString(), ruling: null, ruledBy: null, ruledAt: null });
            this.status = 'disputed';
            return action.basis ? `${action.reason}（依据：${action.basis}）` : action.reason;
          },
        };
      }
      case 'dispatch': {
        const disputed = this.status === 'disputed' ? this.disputes.at(-1) : undefined;
        // A 12345 order's sender may rule a dispute unfounded by sending the order back to the same unit.
        const rejects = disputed !== undefined && action.to.unitId === this.assignee.unitId;
        if (rejects && !(this.senderDecides && this.input.hotline)) {
          throw rule('dispatch-same-unit', '该单位已对派单提出异议，请改派其他单位', 'This unit disputed the order; dispatch it to another unit');
        }
        return {
          clocks: [],
          commit: () => {
            if (disputed) Object.assign(disputed, { ruling: rejects ? 'rejected' : 'upheld', ruledBy: actor.userId, ruledAt: new Date(now).toISOString() });
            this.assignee = { ...action.to };
            this.held.push(action.to.unitId);
            this.status = 'dispatched';
            this.dispatchedAt = now;
            if (rejects) return `异议不成立，仍由 ${action.to.unitId} 办理${action.note ? `：${action.note}` : ''}`;
            return `${disputed ? '异议成立，' : ''}改派至 ${action.to.unitId}${action.note ? `：${action.note}` : ''}`;
          },
        };
      }
      case 'escalate': {
        const target = escalationTarget(this.level, action.toLevel, this.input.urgency.mayJump);
        if (isViolation(target)) throw rule(target.code, target.zh, target.en);
        return this.planEscalation(target, action.reason, false, now);
      }
      case 'resolve':
        return {
          clocks: [{ key: this.levelClock, label: this.levelLabel(this.level), clock: stopClock(this.currentClock(), now, { actor: actor.userId, reason: '办结' }) }],
          commit: () => {
            const at = new Date(now).toISOString();
            this.resolution = { level: this.level, unitId: actor.unitId, result: action.result, evidence: action.evidence, ...(action.noPhotoReason ? { noPhotoReason: action.noPhotoReason } : {}), at };
            this.finalLevel = this.level;
            this.resolvedAt = at;
            this.onTime = this.lateUnits.length === 0 && this.clocks.status(this.levelClock, now)?.overdue !== true && !this.orderOverdue;
            this.status = 'verifying';
            return action.noPhotoReason ? `${action.result}（未附照片：${action.noPhotoReason}）` : action.result;
          },
        };
      case 'verify':
        if (!action.passed) return this.planReopen(now, `核查未通过：${action.note}`, () => this.recordVerification(actor, action.passed, action.note, now));
        return {
          clocks: this.input.hotline ? this.stopOrder(now, actor) : [],
          commit: () => {
            this.recordVerification(actor, true, action.note, now);
            this.closedAt = new Date(now).toISOString();
            if (this.input.callback) this.status = 'awaiting-callback';
            else this.finish(now);
            return action.note;
          },
        };
      case 'callback':
        return this.planCallback(actor, action, now);
      case 'urge':
        return {
          clocks: [],
          commit: () => {
            this.urgeCount += 1;
            const overdue = this.clocks.status(this.levelClock, now)?.overdue ? '，已超期' : '';
            // Whoever the event waits for: the dispatcher after a dispute, the verifier after resolving, else the holder.
            const unitId = this.status === 'disputed' ? this.dispatcher(this.level).unitId : this.status === 'verifying' ? this.verifier().unitId : this.assignee.unitId;
            this.outbox.push({
              caseId: this.input.caseId,
              key: `urge:${this.urgeCount}`,
              kind: 'urge',
              unitId,
              toLeader: true,
              message: `【督办】事件“${this.input.title}”（${this.input.caseId}）${LEVEL_LABEL[this.level]}${INCIDENT_STATUS_LABEL[this.status]}${overdue}，请抓紧办理并反馈。${action.message}`,
              at: new Date(now).toISOString(),
            });
            return action.message;
          },
        };
      case 'whistle': {
        if (this.level !== WHISTLE_LEVEL) throw rule('whistle-level', '只有在三级（乡镇/街道）处置的事件才能吹哨', 'Only an event at L3 (township) can blow the whistle');
        const paused = planClock(this.clocks, this.levelClock, this.levelLabel(this.level), (c) => pauseClock(c!, now, `吹哨（${action.summons.caseId}），等待部门报到处置`, actor.userId), now);
        return {
          clocks: [paused],
          commit: () => {
            this.summonses.push({ caseId: action.summons.caseId, at: new Date(now).toISOString(), outcome: null });
            this.beforeSummons = this.status;
            this.status = 'summoning';
            return `吹哨（${action.summons.caseId}）：${action.summons.reason.name}，召集 ${action.summons.units.map((u) => u.name).join('、')}`;
          },
        };
      }
      case 'extend': {
        const extended = planClock(this.clocks, ORDER, ORDER_LABEL, (order) => {
          if (!order || order.stoppedAt !== null) throw conflict('order-clock-stopped', '工单时限已停止，无需延期', 'The order clock has stopped; nothing to extend');
          return extendClock(order, action.amount, now, action.reason, actor.userId);
        }, now);
        return {
          clocks: [extended],
          commit: () => {
            this.orderOverdue = false;
            return `延期 ${action.amount}（${extended.clock.budget.unit}）：${action.reason}`;
          },
        };
      }
    }
  }

  private planCallback(actor: Actor, action: Extract<IncidentAction, { type: 'callback' }>, now: number): Plan {
    const atDeadline = this.status !== 'awaiting-callback';
    const record = () => {
      this.callbacks.push({ satisfaction: action.satisfaction, resolved: action.resolved, note: action.note ?? null, by: actor.userId, at: new Date(now).toISOString(), atDeadline });
      if (atDeadline) this.callbackDue = false;
    };
    const label = `回访：${SATISFACTION_LABEL[action.satisfaction]}${action.note ? `，${action.note}` : ''}`;
    if (!atDeadline && action.satisfaction === 'unsatisfied') return this.planReopen(now, `回访不满意：${action.note ?? ''}`, record);
    return {
      clocks: [],
      commit: () => {
        record();
        if (!atDeadline) this.finish(now);
        return label;
      },
    };
  }

  /** 重办: back to handling at the resolving level and unit, with that level's limit anew. */
  private planReopen(now: number, reason: string, record: () => void): Plan {
    const level = this.resolution?.level ?? this.level;
    const next = this.levelClockPlan(level, now, reason, this.reopens + 1);
    return {
      clocks: [next],
      commit: () => {
        record();
        this.reopens += 1;
        this.level = level;
        this.levelClock = next.key;
        this.finalLevel = null;
        this.onTime = null;
        this.closedAt = null;
        this.resolvedAt = null;
        this.status = 'handling';
        return reason;
      },
    };
  }

  private planEscalation(target: IncidentLevelNo, reason: string, automatic: boolean, now: number): Plan {
    const from = this.level;
    const next = this.levelClockPlan(target, now, reason);
    return {
      clocks: [{ key: this.levelClock, label: this.levelLabel(from), clock: stopClock(this.currentClock(), now, { reason: automatic ? '超时自动上报' : `上报：${reason}` }) }, next],
      commit: () => {
        this.escalations.push({ from, to: target, automatic, reason, at: new Date(now).toISOString() });
        this.level = target;
        this.levelClock = next.key;
        this.assignee = this.route(target);
        this.held.push(this.assignee.unitId);
        this.status = 'dispatched';
        this.dispatchedAt = now;
        return `${LEVEL_LABEL[from]} → ${LEVEL_LABEL[target]}：${reason}`;
      },
    };
  }

  private expireLevel(now: number, effects: IncidentEffects): void {
    const deadline = this.clocks.status(this.levelClock, now)?.deadline ?? null;
    const at = new Date(now).toISOString();
    const late: LateUnit = { level: this.level, unitId: this.assignee.unitId, deadline, at };
    if (this.level < TOP_LEVEL) {
      const before = this.auditState();
      const target = (this.level + 1) as IncidentLevelNo;
      const plan = this.planEscalation(target, `${LEVEL_LABEL[this.level]}处置时限已到未办结，自动上报`, true, now);
      this.lateUnits.push(late);
      const expired = this.levelClock;
      const note = carryOut(this.clocks, plan, now);
      this.history.push({ at, actorId: 'system', unitId: null, role: 'system', action: 'auto-escalate', level: late.level, note });
      effects.notes.push(this.systemNote('incident.auto-escalate', note, before, { ...this.auditState(), late }, at));
      // DOMAIN §3/§5: the late unit and its leader are urged at every level, not only at L4.
      if (this.lateUnitNotices) {
        effects.notices.push({
          caseId: this.input.caseId,
          key: `overdue:${expired}`,
          kind: 'overdue',
          unitId: late.unitId,
          toLeader: true,
          message: `【督办】事件“${this.input.title}”（${this.input.caseId}）${LEVEL_LABEL[late.level]}处置时限已到未办结，已自动上报至${LEVEL_LABEL[target]}；请贵单位说明超时原因并配合办理。`,
          at,
        });
      }
      return;
    }
    if (this.redCard) return;
    const before = this.auditState();
    this.lateUnits.push(late);
    this.redCard = true;
    const reason = `四级（县级）处置时限已到未办结：红牌警告，督办`;
    this.history.push({ at, actorId: 'system', unitId: null, role: 'system', action: 'red-card', level: this.level, note: reason });
    effects.notes.push(this.systemNote('incident.red-card', reason, before, { ...this.auditState(), late }, at));
    const subject = `事件“${this.input.title}”（${this.input.caseId}）`;
    effects.notices.push(
      { caseId: this.input.caseId, key: `red-card:${this.levelClock}`, kind: 'red-card', unitId: this.assignee.unitId, toLeader: true, message: `【红牌】${subject}四级处置已超期，请立即办理并反馈。`, at },
      { caseId: this.input.caseId, key: `overdue:${this.levelClock}`, kind: 'overdue', unitId: this.input.territory.countyId, toLeader: true, message: `【督办】${subject}县级处置已超期（责任单位 ${this.assignee.unitId}），请县领导督办。`, at },
    );
  }

  private expireOrder(now: number, effects: IncidentEffects): void {
    const before = this.auditState();
    const at = this.touch(now);
    this.orderOverdue = true;
    this.callbackDue = true;
    const reason = `12345 工单（${this.input.hotline!.orderTypeName}）已到期未办结，需回访诉求人`;
    this.history.push({ at, actorId: 'system', unitId: null, role: 'system', action: 'order-overdue', level: this.level, note: reason });
    effects.notes.push(this.systemNote('incident.order-overdue', reason, before, this.auditState(), at));
    effects.notices.push({
      caseId: this.input.caseId,
      key: `overdue:${ORDER}`,
      kind: 'overdue',
      unitId: this.assignee.unitId,
      toLeader: true,
      message: `【督办】12345 工单“${this.input.title}”（${this.input.caseId}）已超过办理时限，请立即办理。`,
      at,
    });
  }

  private authorise(actor: Actor, type: IncidentActionType): void {
    const open = this.assignments(true).filter((a) => a.actions.includes(type));
    if (open.length === 0) {
      throw conflict('wrong-state', `事件当前状态为“${INCIDENT_STATUS_LABEL[this.status]}”，不能${INCIDENT_ACTION_LABEL[type]}`, `The incident is ${this.status}; ${type} is not possible now`);
    }
    if (!open.some((a) => holds(a, actor))) {
      throw caseError(CaseErrorType.Forbidden, 'not-your-action', `您不是此事件当前环节的办理人，无权${INCIDENT_ACTION_LABEL[type]}`, `You may not ${type} this incident now`);
    }
  }

  private levelClockPlan(level: IncidentLevelNo, now: number, reason: string, round = this.reopens): ClockChange {
    const limit = this.input.limits[level - 1];
    if (!limit) throw rule('incident-limit-missing', `${LEVEL_LABEL[level]}没有配置处置时限`, `No time limit for level ${level}`);
    const key = round > 0 ? `level-${level}-r${round}` : `level-${level}`;
    let budget: Duration;
    try {
      const { data, region, fallback } = this.clocks.calendarContext;
      budget = limitBudget(limit, now, buildCalendar(data, { region, fallback }));
    } catch (err) {
      if (err instanceof CalendarYearMissingError) throw rule(err.code, `${err.year} 年的节假日数据尚未录入，无法计算期限`, `No holiday calendar for ${err.year}`);
      throw err;
    }
    const clock = startClock(budget, now, { reason: `${reason}（${limitLabel(limit)}）` });
    this.clocks.check(clock, now);
    return { key, label: this.levelLabel(level), clock };
  }

  private levelLabel(level: IncidentLevelNo): string {
    return `${LEVEL_LABEL[level]}处置时限`;
  }

  private currentClock(): SlaClock {
    return this.clocks.clocks[this.levelClock]!.clock;
  }

  private stopOrder(now: number, actor: Actor): ClockChange[] {
    const order = this.clocks.clocks[ORDER]?.clock;
    return order && order.stoppedAt === null ? [{ key: ORDER, label: ORDER_LABEL, clock: stopClock(order, now, { actor: actor.userId, reason: '结案' }) }] : [];
  }

  private recordVerification(actor: Actor, passed: boolean, note: string, now: number): void {
    this.verifications.push({ passed, note, by: actor.userId, at: new Date(now).toISOString() });
  }

  private finish(now: number): void {
    this.status = 'closed';
    this.finishedAt = new Date(now).toISOString();
  }

  /** Who sent a 12345 order (the dispatcher who entered it, normally the county command centre); null for other events. */
  private sender(): IncidentHolder | null {
    const by = this.input.reportedBy;
    return this.input.hotline ? { unitId: by.unitId, role: by.role } : null;
  }

  /** The end of the dispute window while the dispatched unit may still dispute; null otherwise or when the calendar cannot say. */
  private disputeDeadline(): string | null {
    const window = this.input.disputeWindow;
    if (!window || this.status !== 'dispatched') return null;
    try {
      return disputeDeadline(window, this.dispatchedAt, this.clocks.workingCalendar).toISOString();
    } catch (err) {
      if (err instanceof CalendarYearMissingError) return null;
      throw err;
    }
  }

  private route(level: IncidentLevelNo): IncidentHolder {
    return this.input.routes[level - 1]!;
  }

  private dispatcher(level: IncidentLevelNo): IncidentHolder {
    return this.input.dispatchers[level - 1]!;
  }

  /** The on-site verifier for the level that resolved the event. */
  private verifier(): IncidentHolder {
    return this.input.verifiers[(this.resolution?.level ?? this.level) - 1]!;
  }

  private touch(now: number): string {
    this.updatedAt = new Date(now).toISOString();
    return this.updatedAt;
  }

  private auditState() {
    return { status: this.status, level: this.level, unitId: this.assignee.unitId };
  }

  private entry(actor: Actor, action: string, note: string | null, at: string): IncidentHistoryEntry {
    return { at, actorId: actor.userId, unitId: actor.unitId || null, role: actor.role, action, level: this.level, note };
  }

  private systemNote(action: string, reason: string | null, before: unknown, after: unknown, at: string): AuditNote {
    return { actorId: 'system', actorUnitId: null, actorRole: 'system', action, reason, before, after, at };
  }
}
