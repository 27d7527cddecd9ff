import { defineUpdate } from '@temporalio/workflow';
import type { Duration } from '../../domain/calendar';
import type { Actor } from '../shared/actor';
import type { ClockSnapshot } from '../shared/case-snapshot';
import type { CalendarContext } from '../shared/case-clocks';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * Rectification task (整改任务): a unit must fix something by a deadline — opened by a supervisor,
 * by a bad rating (好差评) or by a failed assessment. The smallest complete case: one SLA clock,
 * pause/resume (§45-style suspension), extension, 督办 and completion.
 */
export const TASK_STATUSES = ['open', 'paused', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS_LABEL: Record<TaskStatus, string> = { open: '办理中', paused: '已暂停', done: '已完成' };

export type TaskAction =
  | { type: 'pause'; reason: string }
  | { type: 'resume'; reason?: string }
  | { type: 'extend'; amount: number; reason: string }
  | { type: 'urge'; message: string }
  | { type: 'complete'; result: string };

export type TaskActionType = TaskAction['type'];

export interface TaskActionInput {
  actor: Actor;
  action: TaskAction;
  /**
   * Set by the API only, after checking that the caller is a supervisor over the responsible unit
   * and the task is overdue: lets that supervisor 督办 (urge) a task it does not own (DOMAIN §3).
   */
  oversight?: boolean;
}

export interface StartTaskInput {
  caseId: string;
  title: string;
  description: string;
  /** The unit that must do the work. */
  unitId: string;
  /** The unit that issued the task and supervises it. */
  ownerUnitId: string;
  createdBy: Actor;
  budget: Duration;
  calendar: CalendarContext;
}

export interface TaskHistoryEntry {
  at: string;
  actorId: string;
  action: string;
  note: string | null;
}

/** The live state returned by the case-state query and by every action. */
export interface TaskView {
  caseId: string;
  status: TaskStatus;
  title: string;
  description: string;
  unitId: string;
  ownerUnitId: string;
  result: string | null;
  urgeCount: number;
  history: TaskHistoryEntry[];
  clocks: ClockSnapshot[];
}

/** Every human action on a task: one Update with a validator; a refused action never enters history. */
export const taskActionUpdate = defineUpdate<TaskView, [TaskActionInput]>('taskAction');
