import { extendClock, pauseClock, resumeClock, startClock, stopClock, type SlaClock } from '../../domain/sla-clock';
import type { NoticeRequest } from '../../domain/vocabulary';
import type { Actor } from '../shared/actor';
import type { AssignmentSnapshot, AuditNote, CaseSnapshot } from '../shared/case-snapshot';
import { CaseClocks, type LevelChange } from '../shared/case-clocks';
import { clockLevelNote, noEffects, type CaseEffects, type CaseMachine } from '../shared/case-machine';
import { carryOut, planClock, type Plan } from '../shared/clock-plan';
import { CaseErrorType, caseError } from '../shared/errors';
import {
  TASK_STATUS_LABEL,
  type StartTaskInput,
  type TaskAction,
  type TaskActionInput,
  type TaskActionType,
  type TaskHistoryEntry,
  type TaskStatus,
  type TaskView,
} from './definitions';

const CLOCK = 'task';
const CLOCK_LABEL = '整改时限';

/** Which role in which unit may take each action, given the task's status. */
function openActions(status: TaskStatus): { owner: TaskActionType[]; responsible: TaskActionType[] } {
  switch (status) {
    case 'open':
      return { owner: ['pause', 'extend', 'urge'], responsible: ['complete'] };
    case 'paused':
      return { owner: ['resume', 'extend'], responsible: [] };
    case 'done':
      return { owner: [], responsible: [] };
  }
}

/** What an action or a timer asks the workflow to do; `urge`: a manual 督办 to send (see workflow.ts). */
export interface TaskEffects extends CaseEffects {
  urge?: { message: string; at: string };
}

/**
 * The task's state machine (workflows/shared/case-machine.ts), free of Temporal APIs so it can be
 * reasoned about (and replayed) as plain code.
 */
export class TaskCase implements CaseMachine<TaskActionInput, TaskView, TaskEffects> {
  status: TaskStatus = 'open';
  result: string | null = null;
  urgeCount = 0;
  history: TaskHistoryEntry[] = [];
  readonly clocks: CaseClocks;
  readonly createdAt: string;
  updatedAt: string;
  closedAt: string | null = null;

  constructor(
    readonly input: StartTaskInput,
    now: number,
  ) {
    this.createdAt = new Date(now).toISOString();
    this.updatedAt = this.createdAt;
    this.clocks = new CaseClocks(input.calendar);
    this.clocks.apply(
      CLOCK,
      CLOCK_LABEL,
      () => startClock(input.budget, now, { actor: input.createdBy.userId, reason: '任务下达' }),
      now,
    );
    this.history.push({ at: this.createdAt, actorId: input.createdBy.userId, action: 'create', note: input.title });
  }

  get closed(): boolean {
    return this.status === 'done';
  }

  assignments(): AssignmentSnapshot[] {
    const { owner, responsible } = openActions(this.status);
    const out: AssignmentSnapshot[] = [];
    if (owner.length) out.push({ unitId: this.input.ownerUnitId, role: 'supervisor', actions: owner });
    if (responsible.length) out.push({ unitId: this.input.unitId, role: 'handler', actions: responsible });
    return out;
  }

  /** The workflow may end. */
  get finished(): boolean {
    return this.closed;
  }

  /** Throw the failure the API will show when `actor` may not take `action` now; change nothing. */
  check(input: TaskActionInput, now: number): void {
    this.plan(input, now);
  }

  /** Perform an action (checked again here); returns what the workflow must record and send. */
  apply(input: TaskActionInput, now: number): TaskEffects {
    const { actor, action } = input;
    const plan = this.plan(input, now);
    const before = { status: this.status, clock: this.clocks.status(CLOCK, now)?.deadline ?? null };
    const note = carryOut(this.clocks, plan, now);
    const at = new Date(now).toISOString();
    this.updatedAt = at;
    if (this.closed) this.closedAt = at;
    this.history.push({ at, actorId: actor.userId, action: action.type, note });
    return {
      notes: [
        {
          actorId: actor.userId,
          actorUnitId: actor.unitId,
          actorRole: actor.role,
          action: `task.${action.type}`,
          reason: note,
          before,
          after: { status: this.status, clock: this.clocks.status(CLOCK, now)?.deadline ?? null },
          at,
        },
      ],
      notices: [],
      ...(action.type === 'urge' ? { urge: { message: action.message, at } } : {}),
    };
  }

  /** Record colour changes reached by `now`, with 督办 when the clock turned red. */
  tick(now: number): TaskEffects {
    const changes = this.clocks.recordTransitions(now);
    if (changes.length === 0) return noEffects();
    const at = new Date(now).toISOString();
    this.updatedAt = at;
    return { notes: [clockLevelNote(changes, at)], notices: this.overdueNotices(changes) };
  }

  /** 督办 to the responsible unit and its leader when the task's clock turns red. */
  overdueNotices(changes: LevelChange[]): NoticeRequest[] {
    const red = changes.find((c) => c.to === 'red');
    if (!red) return [];
    return [
      {
        caseId: this.input.caseId,
        key: `overdue:${red.key}:${red.at}`,
        kind: 'overdue',
        unitId: this.input.unitId,
        toLeader: true,
        message: `【督办】整改任务“${this.input.title}”（${this.input.caseId}）已超期，请立即办理并反馈。`,
        at: red.at,
      },
    ];
  }

  /** 督办 (a manual urge) to the responsible unit and its leader: the last urge's notice. */
  urgeNotices(message: string, at: string): NoticeRequest[] {
    return [
      {
        caseId: this.input.caseId,
        key: `urge:${this.urgeCount}`,
        kind: 'urge',
        unitId: this.input.unitId,
        toLeader: true,
        message: `【督办】整改任务“${this.input.title}”（${this.input.caseId}），请抓紧办理并反馈。${message}`,
        at,
      },
    ];
  }

  snapshot(now: number): CaseSnapshot {
    const summary = this.clocks.summary(now);
    return {
      caseId: this.input.caseId,
      process: 'task',
      title: this.input.title,
      status: this.status,
      currentStep: null,
      level: null,
      unitId: this.input.unitId,
      ownerUnitId: this.input.ownerUnitId,
      colour: summary.colour,
      deadline: summary.deadline,
      calendarWarnings: summary.calendarWarnings,
      data: { description: this.input.description, result: this.result, urgeCount: this.urgeCount },
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      closedAt: this.closedAt,
      assignments: this.assignments(),
      units: [],
      clocks: this.clocks.snapshots(now),
    };
  }

  view(now: number): TaskView {
    return {
      caseId: this.input.caseId,
      status: this.status,
      title: this.input.title,
      description: this.input.description,
      unitId: this.input.unitId,
      ownerUnitId: this.input.ownerUnitId,
      result: this.result,
      urgeCount: this.urgeCount,
      history: this.history,
      clocks: this.clocks.snapshots(now),
    };
  }

  creationNote(): AuditNote {
    const a: Actor = this.input.createdBy;
    return {
      actorId: a.userId,
      actorUnitId: a.unitId,
      actorRole: a.role,
      action: 'task.create',
      reason: this.input.title,
      before: null,
      after: { status: this.status, budget: this.input.budget },
      at: this.createdAt,
    };
  }

  /** Check an action (who, when, the calendar) and plan it: nothing changes until the plan is committed. */
  private plan({ actor, action, oversight }: TaskActionInput, now: number): Plan<string | null> {
    if (!(action.type === 'urge' && oversight && actor.role === 'supervisor' && !this.closed))
      this.authorise(actor, action.type);
    const clocks =
      action.type === 'urge'
        ? []
        : [planClock(this.clocks, CLOCK, CLOCK_LABEL, (current) => this.nextClock(action, actor, current!, now), now)];
    return { clocks, commit: () => this.applyState(action) };
  }

  private authorise(actor: Actor, type: TaskActionType): void {
    const open = this.assignments().filter((a) => a.actions.includes(type));
    if (open.length === 0) {
      throw caseError(
        CaseErrorType.InvalidState,
        'wrong-state',
        `任务当前状态为“${TASK_STATUS_LABEL[this.status]}”，不能执行此操作`,
        `The task is ${this.status}; ${type} is not possible now`,
      );
    }
    if (!open.some((a) => a.unitId === actor.unitId && a.role === actor.role)) {
      throw caseError(
        CaseErrorType.Forbidden,
        'not-your-action',
        '您不是此任务当前环节的办理人，无权执行此操作',
        'You may not take this action on this task now',
      );
    }
  }

  private nextClock(
    action: Exclude<TaskAction, { type: 'urge' }>,
    actor: Actor,
    current: SlaClock,
    now: number,
  ): SlaClock {
    switch (action.type) {
      case 'pause':
        return pauseClock(current, now, action.reason, actor.userId);
      case 'resume':
        return resumeClock(current, now, { reason: action.reason, actor: actor.userId });
      case 'extend':
        return extendClock(current, action.amount, now, action.reason, actor.userId);
      case 'complete':
        return stopClock(current, now, { reason: '整改完成', actor: actor.userId });
    }
  }

  private applyState(action: TaskAction): string | null {
    switch (action.type) {
      case 'pause':
        this.status = 'paused';
        return action.reason;
      case 'resume':
        this.status = 'open';
        return action.reason ?? null;
      case 'extend':
        return action.reason;
      case 'urge':
        this.urgeCount += 1;
        return action.message;
      case 'complete':
        this.status = 'done';
        this.result = action.result;
        return action.result;
    }
  }
}
