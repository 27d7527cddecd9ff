import { defineUpdate } from '@temporalio/workflow';
import type { z } from 'zod';
import { caseMessages } from '../shared/definitions';
import type {
  startTaskInputSchema,
  taskActionInputSchema,
  taskActionSchema,
  taskHistoryEntrySchema,
  taskViewSchema,
} from './contract';

export { caseStateQuery, calendarChangedSignal, caseOpenedUpdate } from '../shared/definitions';

/**
 * Rectification task (整改任务): a unit must fix something by a deadline — opened by a supervisor,
 * by a bad rating (好差评) or by a failed assessment. The smallest complete case: one SLA clock,
 * pause/resume (§45-style suspension), extension, 督办 and completion.
 */
export const TASK_STATUSES = ['open', 'paused', 'done'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_STATUS_LABEL: Record<TaskStatus, string> = { open: '办理中', paused: '已暂停', done: '已完成' };

export type TaskAction = z.infer<typeof taskActionSchema>;
export type TaskActionType = TaskAction['type'];
export type TaskActionInput = z.infer<typeof taskActionInputSchema>;
export type StartTaskInput = z.infer<typeof startTaskInputSchema>;
export type TaskHistoryEntry = z.infer<typeof taskHistoryEntrySchema>;
/** The live state returned by the case-state query and by every action. */
export type TaskView = z.infer<typeof taskViewSchema>;

/** Starting a task (update-with-start) and reading it. */
export const taskCase = caseMessages<StartTaskInput, TaskView>('taskWorkflow');

/** Every human action on a task: one Update with a validator; a refused action never enters history. */
export const taskActionUpdate = defineUpdate<TaskView, [TaskActionInput]>('taskAction');
