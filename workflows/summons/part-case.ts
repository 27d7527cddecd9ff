import type { NoticeRequest } from '../../activities/notices';
import { buildCalendar, CalendarYearMissingError } from '../../domain/calendar';
import { limitBudget, limitLabel } from '../../domain/incident';
import { RATING_LABEL, totalDisputedMs, URGENCY_LABEL, type Rating } from '../../domain/summons';
import { readableShanghai } from '../../domain/time';
import { pauseClock, resumeClock, startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import type { Actor } from '../shared/actor';
import { holds, mergeAssignments } from '../shared/assignments';
import { CaseClocks, levelChangeNote } from '../shared/case-clocks';
import { carryOut, planClock, type ClockChange, type Plan as ClockPlan } from '../shared/clock-plan';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { CaseErrorType, caseError } from '../shared/errors';
import { noticesTo } from '../shared/notices';
import {
  PART_ACTION_LABEL,
  PART_STATUS_LABEL,
  type DisputeRecord,
  type MissRecord,
  type PartAction,
  type PartActionInput,
  type PartActionType,
  type PartFactsRecord,
  type PartOutcome,
  type PartOutcomeKind,
  type PartStatus,
  type PartView,
  type StartPartInput,
  type SummonedUnitInfo,
  type SummonsHistoryEntry,
  type SummonsHolder,
} from './definitions';
import { withAttachments } from '../shared/attachments';

const rule = (code: string, zh: string, en: string) => caseError(CaseErrorType.RuleRefused, code, zh, en);
const conflict = (code: string, zh: string, en: string) => caseError(CaseErrorType.InvalidState, code, zh, en);

/** States in which the unit works on its part and a clock runs (报到 or result). */
const WORKING: ReadonlySet<PartStatus> = new Set(['notified', 'acknowledged', 'on-site']);

/** What a performed action or a timer asks the workflow to record and send. */
export interface PartEffects {
  notes: AuditNote[];
  notices: NoticeRequest[];
}

type Plan = ClockPlan<string | null>;

/**
 * One summoned unit's part, free of Temporal APIs: `check` is the Update validator (changes
 * nothing), `apply` performs an action, `tick` handles expired limits (a miss: 督办, and at the
 * configured miss a red card).
 */
export class PartCase {
  status: PartStatus = 'notified';
  /** The working state a pending dispute interrupted. */
  private beforeDispute: PartStatus = 'notified';
  /** Key of the clock that runs now (`respond-n` until 报到, then `handle-n`); '' when none runs. */
  runningClock = '';
  private respondRound = 1;
  private handleRound = 0;
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
  private readonly closeMissedWindows: boolean;

  constructor(
    readonly input: StartPartInput,
    now: number,
    { closeMissedWindows = true }: { closeMissedWindows?: boolean } = {},
  ) {
    this.closeMissedWindows = closeMissedWindows;
    this.clocks = new CaseClocks(input.calendar);
    this.notifiedAt = new Date(now).toISOString();
    this.updatedAt = this.notifiedAt;
    const respond = this.respondClock(now, `召集 ${input.unit.name} 报到（${URGENCY_LABEL[input.urgency]}）`);
    carryOut(this.clocks, { clocks: [respond], commit: () => null }, now);
    this.runningClock = respond.key;
    this.history.push({ at: this.notifiedAt, actorId: 'system', unitId: null, role: 'system', action: 'notify', note: `${input.reason.name}：${input.title}` });
  }

  get finished(): boolean {
    return this.status === 'closed';
  }

  /**
   * The deadline of the current 报到 window (a miss closes its window and opens the next), moved by
   * any time in dispute (null while paused); after 报到, of the window it was made in.
   */
  ackDeadline(now: number): string | null {
    return this.deadlineOf(`respond-${this.respondRound}`, now);
  }

  /** The first 报到 deadline as people read it (`12月5日 09:30`), for the notice that summons the unit. */
  private readableAckDeadline(): string {
    const at = Date.parse(this.notifiedAt);
    const deadline = this.ackDeadline(at);
    return deadline ? readableShanghai(deadline, at) : '—';
  }

  /** The current result window's deadline (a send-back opens a new one); null before 报到. */
  resultDeadline(now: number): string | null {
    return this.handleRound > 0 ? this.deadlineOf(`handle-${this.handleRound}`, now) : null;
  }

  private get liaison(): SummonsHolder {
    return { unitId: this.input.unit.unitId, role: 'dept_liaison' };
  }

  /** Who may act now; with `blocked`, also actions a rule will refuse (so the refusal is a 422, not a 403). */
  assignments(blocked = false): AssignmentSnapshot[] {
    const out: AssignmentSnapshot[] = [];
    const give = (holder: SummonsHolder, actions: PartActionType[]) => out.push({ ...holder, actions });
    const { dispatcher, arbiter } = this.input;
    switch (this.status) {
      case 'notified':
        give(this.liaison, ['acknowledge', 'dispute']);
        break;
      case 'acknowledged':
        give(this.liaison, ['arrive', 'dispute', ...(blocked ? (['report'] as const) : [])]);
        break;
      case 'on-site':
        give(this.liaison, ['report']);
        break;
      case 'disputed':
        give(arbiter, ['rule']);
        break;
      case 'reported':
        give(dispatcher, ['accept', 'send-back']);
        break;
      case 'accepted':
        give(dispatcher, ['rate']);
        break;
      case 'closed':
        break;
    }
    if (this.status !== 'closed' && this.status !== 'accepted') give(dispatcher, ['withdraw']);
    return mergeAssignments(out);
  }

  check(input: PartActionInput, now: number): void {
    this.plan(input, now);
  }

  apply(input: PartActionInput, now: number): PartEffects {
    const { actor, action } = input;
    const plan = this.plan(input, now);
    const before = this.auditState();
    const note = carryOut(this.clocks, plan, now);
    const at = this.touch(now);
    this.history.push({ at, actorId: actor.userId, unitId: actor.unitId || null, role: actor.role, action: action.type, note });
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
    };
  }

  /** Timers: colour changes, and a running limit that turned red is a miss (督办; the configured miss is a red card). */
  tick(now: number): PartEffects {
    const effects: PartEffects = { notes: [], notices: [] };
    const changes = this.clocks.recordTransitions(now);
    if (changes.length) {
      const at = this.touch(now);
      const last = changes[changes.length - 1]!;
      effects.notes.push(this.systemNote('clock.level', levelChangeNote(last), { level: changes[0]!.from }, { level: last.to, changes }, at));
    }
    if (WORKING.has(this.status) && changes.some((c) => c.key === this.runningClock && c.to === 'red')) this.miss(now, effects);
    return effects;
  }

  /** What the part reports to its summons once it ended. */
  outcomeRecord(): PartOutcome {
    return { caseId: this.input.caseId, unitId: this.input.unit.unitId, outcome: this.outcome!, rating: this.rating?.rating ?? null, resummon: this.resummon, endedAt: this.endedAt! };
  }

  snapshot(now: number): CaseSnapshot {
    const summary = this.clocks.summary(now);
    const { clocks: _c, assignments, history: _h, ...data } = this.view(now);
    const i = this.input;
    // Red-carded and still not 报到: no window runs, but the part is overdue on every list.
    const owesAck = this.redCard && this.acknowledgedAt === null && this.status !== 'closed';
    return {
      caseId: i.caseId,
      process: 'summons',
      title: `${i.title}（${i.unit.name}）`,
      status: this.status,
      currentStep: PART_STATUS_LABEL[this.status],
      level: null,
      unitId: i.unit.unitId,
      ownerUnitId: i.township.unitId,
      colour: owesAck ? 'red' : summary.colour,
      deadline: summary.deadline,
      calendarWarnings: summary.calendarWarnings,
      data: { kind: 'summons-part', ...data } as unknown as Record<string, unknown>,
      createdAt: this.notifiedAt,
      updatedAt: this.updatedAt,
      closedAt: this.endedAt,
      assignments,
      units: [
        { unitId: i.unit.unitId, relation: 'summoned' },
        { unitId: i.township.unitId, relation: 'owner' },
        { unitId: i.arbiter.unitId, relation: 'arbiter' },
      ],
      clocks: this.clocks.snapshots(now),
    };
  }

  view(now: number): PartView {
    const i = this.input;
    return {
      caseId: i.caseId,
      summonsId: i.summonsId,
      status: this.status,
      statusLabel: PART_STATUS_LABEL[this.status],
      title: i.title,
      description: i.description,
      reason: i.reason,
      unit: i.unit,
      townshipId: i.township.unitId,
      urgency: i.urgency,
      complexity: i.complexity,
      replaces: i.replaces,
      ...this.timeline(now),
      result: this.result,
      sendBacks: this.sendBacks,
      misses: this.misses,
      disputes: this.disputes,
      rating: this.rating,
      history: this.history,
      assignments: this.assignments(),
      clocks: this.clocks.snapshots(now),
    };
  }

  facts(seq: number, now: number): PartFactsRecord {
    const i = this.input;
    return {
      caseId: i.caseId,
      summonsId: i.summonsId,
      seq,
      unitId: i.unit.unitId,
      unitKind: i.unit.kind,
      departmentId: i.unit.departmentId,
      townshipId: i.township.unitId,
      townshipPath: i.township.path,
      replacesCaseId: i.replaces,
      status: this.status,
      urgencyCode: i.urgency,
      ...this.timeline(now),
      resultReportedAt: this.result?.at ?? null,
      sendBacks: this.sendBacks.length,
      redCardAt: this.redCardAt,
      rating: this.rating?.rating ?? null,
      ratingComment: this.rating?.comment ?? null,
      ratedBy: this.rating?.by ?? null,
      ratedAt: this.rating?.at ?? null,
      misses: this.misses,
      disputes: this.disputes,
    };
  }

  /** The timestamps, deadlines and flags both the view and the facts carry. */
  private timeline(now: number) {
    return {
      notifiedAt: this.notifiedAt,
      ackDeadline: this.ackDeadline(now),
      acknowledgedAt: this.acknowledgedAt,
      ackOnTime: this.ackOnTime,
      onSiteAt: this.onSiteAt,
      resultDeadline: this.resultDeadline(now),
      resultOnTime: this.resultOnTime,
      acceptedAt: this.acceptedAt,
      redCard: this.redCard,
      disputedMs: totalDisputedMs(this.disputes, now),
      outcome: this.outcome,
      endedAt: this.endedAt,
    };
  }

  creationNote(): AuditNote {
    const i = this.input;
    return {
      actorId: 'system',
      actorUnitId: i.township.unitId,
      actorRole: 'system',
      action: 'summons.part.notify',
      reason: `召集 ${i.unit.name}：${i.title}`,
      before: null,
      after: { ...this.auditState(), unitId: i.unit.unitId, limits: i.limits, replaces: i.replaces },
      at: this.notifiedAt,
    };
  }

  /** Notices sent when the part starts: the summoned unit is told (and its leader). */
  creationNotices(): NoticeRequest[] {
    const i = this.input;
    return [{ caseId: i.caseId, key: 'summoned', kind: 'info', unitId: i.unit.unitId, toLeader: true, message: `【吹哨】${i.township.name}召集贵单位报到：${i.title}（${URGENCY_LABEL[i.urgency]}，报到期限 ${this.readableAckDeadline()}）`, at: this.notifiedAt }];
  }

  // ---- planning ----

  private plan({ actor, action }: PartActionInput, now: number): Plan {
    this.authorise(actor, action.type);
    const at = new Date(now).toISOString();
    switch (action.type) {
      case 'acknowledge': {
        const stop = this.stopRunning(now, actor, '报到');
        const handle = this.handleClock(now, '报到后开始处置');
        return {
          clocks: [...stop, handle],
          commit: () => {
            this.acknowledgedAt = at;
            this.handleRound += 1;
            // Already false after a miss; otherwise in time unless the (now stopped) window had run out.
            this.ackOnTime ??= !this.overdue(this.runningClock, now);
            this.runningClock = handle.key;
            this.status = 'acknowledged';
            return action.note ?? '已报到';
          },
        };
      }
      case 'arrive':
        return {
          clocks: [],
          commit: () => {
            this.onSiteAt ??= at;
            this.status = 'on-site';
            return action.note ?? '已到场';
          },
        };
      case 'report':
        if (this.status === 'acknowledged') throw rule('summons-arrive-first', '请先到场（确认到场后再反馈结果）', 'Confirm arrival on site before reporting the result');
        if (action.evidence.length === 0 && !action.files?.length) throw rule('evidence-required', '反馈结果须附处置证据（照片、记录等）', 'A result report needs evidence (photos, records)');
        return {
          clocks: this.stopRunning(now, actor, '反馈结果'),
          commit: () => {
            this.result = { text: action.result, evidence: action.evidence, at };
            this.resultOnTime = !this.overdue(this.runningClock, now) && !this.misses.some((m) => m.kind === 'result');
            this.runningClock = '';
            this.status = 'reported';
            return action.result;
          },
        };
      case 'dispute': {
        const key = this.runningClock;
        // After a red card no 报到 window runs: nothing to pause.
        const paused = key ? [planClock(this.clocks, key, this.clocks.clocks[key]!.label, (c) => pauseClock(c!, now, `职责异议：${action.reason}`, actor.userId), now)] : [];
        return {
          clocks: paused,
          commit: () => {
            this.disputes.push({ ordinal: this.disputes.length + 1, reason: action.reason, raisedBy: actor.userId, raisedAt: at, ruling: null, ruledBy: null, ruledAt: null, ruleNote: null, resummonedUnitId: null, disputedMs: null });
            this.beforeDispute = this.status;
            this.status = 'disputed';
            return action.reason;
          },
        };
      }
      case 'rule':
        return this.planRuling(actor, action, now);
      case 'accept':
        return {
          clocks: [],
          commit: () => {
            this.acceptedAt = at;
            this.status = 'accepted';
            if (action.rating) this.rate(actor, action.rating, action.comment, now);
            return action.note ?? '结果验收通过';
          },
        };
      case 'send-back': {
        const handle = this.handleClock(now, `退回重办：${action.reason}`);
        return {
          clocks: [handle],
          commit: () => {
            this.sendBacks.push({ reason: action.reason, at });
            this.handleRound += 1;
            this.result = null;
            this.runningClock = handle.key;
            this.status = 'on-site';
            return `事不完、人不撤：${action.reason}`;
          },
        };
      }
      case 'rate':
        return { clocks: [], commit: () => this.rate(actor, action.rating, action.comment, now) };
      case 'withdraw':
        return {
          clocks: this.stopRunning(now, actor, `撤回召集：${action.reason}`),
          commit: () => {
            if (action.rating) this.rate(actor, action.rating, action.comment, now);
            this.end('withdrawn', now);
            return action.reason;
          },
        };
    }
  }

  private planRuling(actor: Actor, action: Extract<PartAction, { type: 'rule' }>, now: number): Plan {
    const at = new Date(now).toISOString();
    const pending = this.disputes.at(-1)!;
    const key = this.runningClock;
    if (!action.upheld && action.resummon) throw rule('summons-resummon-needs-upheld', '驳回异议时不能改召其他单位', 'Only an upheld dispute can re-summon another unit');
    const clocks = key
      ? [
          planClock(this.clocks, key, this.clocks.clocks[key]!.label, (c) => {
            const resumed = resumeClock(c!, now, { actor: actor.userId, reason: action.upheld ? '异议成立' : '异议不成立，恢复计时' });
            return action.upheld ? stopClock(resumed, now, { actor: actor.userId, reason: '异议成立，不属该单位职责' }) : resumed;
          }, now),
        ]
      : [];
    return {
      clocks,
      commit: () => {
        Object.assign(pending, {
          ruling: action.upheld ? 'upheld' : 'rejected',
          ruledBy: actor.userId,
          ruledAt: at,
          ruleNote: action.note,
          resummonedUnitId: action.resummon?.unitId ?? null,
          disputedMs: now - Date.parse(pending.raisedAt),
        } satisfies Partial<DisputeRecord>);
        if (!action.upheld) {
          this.status = this.beforeDispute;
          return `异议不成立：${action.note}`;
        }
        this.resummon = action.resummon ?? null;
        this.runningClock = '';
        this.end('released', now);
        return `异议成立：${action.note}${action.resummon ? `；改召 ${action.resummon.name}` : ''}`;
      },
    };
  }

  private rate(actor: Actor, rating: Rating, comment: string | undefined, now: number): string {
    const at = new Date(now).toISOString();
    this.rating = { rating, comment: comment ?? null, by: actor.userId, at };
    if (this.status === 'accepted') this.end('completed', now);
    return `评价：${RATING_LABEL[rating]}${comment ? `，${comment}` : ''}`;
  }

  private end(outcome: PartOutcomeKind, now: number): void {
    this.outcome = outcome;
    this.status = 'closed';
    this.endedAt = new Date(now).toISOString();
  }

  /**
   * A running limit expired: record the miss; before the red-card miss, 督办 to the unit's leader
   * (and an agency's department) and the county command centre, and a new 报到 window; at it, a
   * red card to the same. A missed 报到 window is closed (its ledger: red, then stopped), so the
   * case's colour and deadline follow the window that runs now; after the red card none runs.
   */
  private miss(now: number, effects: PartEffects): void {
    const i = this.input;
    const at = this.touch(now);
    const before = this.auditState();
    const kind = this.status === 'notified' ? 'acknowledge' : 'result';
    const ordinal = this.misses.length + 1;
    const redCard = !this.redCard && ordinal >= i.limits.redCardAtMiss;
    const deadline = this.deadlineOf(this.runningClock, now) ?? at;
    this.misses.push({ ordinal, kind, deadline, at, redCard });
    if (kind === 'acknowledge') this.ackOnTime = false;
    else this.resultOnTime = false;
    if (redCard) {
      this.redCard = true;
      this.redCardAt = at;
    }
    const what = kind === 'acknowledge' ? '未按时报到' : '未按时反馈结果';
    if (kind === 'acknowledge') {
      if (this.closeMissedWindows) {
        const closed = this.stopRunning(now, { userId: 'system' }, `报到时限已过（第 ${ordinal} 次${what}），本次报到窗口关闭`);
        carryOut(this.clocks, { clocks: closed, commit: () => null }, now);
        this.runningClock = '';
      }
      if (!this.redCard) {
        this.respondRound += 1;
        const next = this.respondClock(now, `第 ${ordinal} 次${what}，督办后重新计时`);
        carryOut(this.clocks, { clocks: [next], commit: () => null }, now);
        this.runningClock = next.key;
      }
    }
    const reason = `${i.unit.name}${what}（第 ${ordinal} 次）${redCard ? '：红牌' : '：督办'}`;
    this.history.push({ at, actorId: 'system', unitId: null, role: 'system', action: redCard ? 'red-card' : 'miss', note: reason });
    effects.notes.push(this.systemNote(redCard ? 'summons.part.red-card' : 'summons.part.miss', reason, before, { ...this.auditState(), miss: this.misses.at(-1) }, at));
    const subject = `吹哨事项“${i.title}”（${i.summonsId}）`;
    const message = redCard ? `【红牌】${i.unit.name}${what}已第 ${ordinal} 次，${subject}，请立即报到并处置。` : `【督办】${i.unit.name}${what}，${subject}，请立即办理。`;
    const units = [i.unit.unitId, ...(i.unit.kind === 'agency' ? [i.unit.departmentId] : []), i.arbiter.unitId];
    effects.notices.push(...noticesTo(units, { caseId: i.caseId, key: `miss:${ordinal}`, kind: redCard ? 'red-card' : 'overdue', toLeader: true, message, at }));
  }

  private authorise(actor: Actor, type: PartActionType): void {
    const open = this.assignments(true).filter((a) => a.actions.includes(type));
    if (open.length === 0) {
      throw conflict('wrong-state', `召集当前状态为“${PART_STATUS_LABEL[this.status]}”，不能${PART_ACTION_LABEL[type]}`, `The summons part is ${this.status}; ${type} is not possible now`);
    }
    if (!open.some((a) => holds(a, actor))) {
      throw caseError(CaseErrorType.Forbidden, 'not-your-action', `您不是此召集当前环节的办理人，无权${PART_ACTION_LABEL[type]}`, `You may not ${type} this summons part now`);
    }
  }

  private respondClock(now: number, reason: string): ClockChange {
    const key = `respond-${this.respondRound}`;
    const clock = startClock(this.input.limits.response, now, { reason });
    this.clocks.check(clock, now);
    return { key, label: `报到时限（第 ${this.respondRound} 次）`, clock };
  }

  private handleClock(now: number, reason: string): ClockChange {
    const round = this.handleRound + 1;
    const limit = this.input.limits.handling;
    let clock: SlaClock;
    try {
      const { data, region, fallback } = this.clocks.calendarContext;
      clock = startClock(limitBudget(limit, now, buildCalendar(data, { region, fallback })), now, { reason: `${reason}（${limitLabel(limit)}）` });
    } catch (err) {
      if (err instanceof CalendarYearMissingError) throw rule(err.code, `${err.year} 年的节假日数据尚未录入，无法计算期限`, `No holiday calendar for ${err.year}`);
      throw err;
    }
    this.clocks.check(clock, now);
    // The round counts only once the plan is carried out (its commit): validators change nothing.
    return { key: `handle-${round}`, label: `结果反馈时限（第 ${round} 轮）`, clock };
  }

  private stopRunning(now: number, actor: Pick<Actor, 'userId'>, reason: string): ClockChange[] {
    const key = this.runningClock;
    const named = key ? this.clocks.clocks[key] : undefined;
    if (!named || named.clock.stoppedAt !== null) return [];
    return [{ key, label: named.label, clock: stopClock(named.clock, now, { actor: actor.userId, reason }) }];
  }

  private deadlineOf(key: string, now: number): string | null {
    return this.clocks.status(key, now)?.deadline ?? null;
  }

  private overdue(key: string, now: number): boolean {
    return key !== '' && this.clocks.status(key, now)?.overdue === true;
  }

  private touch(now: number): string {
    this.updatedAt = new Date(now).toISOString();
    return this.updatedAt;
  }

  private auditState() {
    return { status: this.status, misses: this.misses.length, redCard: this.redCard };
  }

  private systemNote(action: string, reason: string | null, before: unknown, after: unknown, at: string): AuditNote {
    return { actorId: 'system', actorUnitId: null, actorRole: 'system', action, reason, before, after, at };
  }
}
