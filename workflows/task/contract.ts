import { z } from 'zod';
import { positiveDurationSchema } from '../../domain/calendar';
import { actorSchema, calendarContextSchema, clockSnapshotSchema, text } from '../shared/contract';
import { TASK_STATUSES } from './definitions';

// The rectification task's contract (整改任务): what starts it, what a caller may do to it, what it
// shows. definitions.ts, the API routes, the OpenAPI document and the web client all derive from it.

/** Everything a task needs for its whole life, frozen at start. */
export const startTaskInputSchema = z.object({
  caseId: z.string(),
  title: z.string(),
  description: z.string(),
  /** The unit that must do the work. */
  unitId: z.string(),
  /** The unit that issued the task and supervises it. */
  ownerUnitId: z.string(),
  createdBy: actorSchema,
  budget: positiveDurationSchema,
  calendar: calendarContextSchema,
});

/** Every human action on a task, as the caller sends it and as the Update carries it. */
export const taskActionSchema = z
  .discriminatedUnion('type', [
    z.strictObject({
      type: z.literal('pause'),
      reason: text(1000).meta({ description: '暂停原因（如听证、检测、专家评审）' }),
    }),
    z.strictObject({ type: z.literal('resume'), reason: text(1000).optional() }),
    z.strictObject({ type: z.literal('extend'), amount: z.number().positive().max(365), reason: text(1000) }),
    z.strictObject({ type: z.literal('urge'), message: text(1000).meta({ description: '督办意见' }) }),
    z.strictObject({ type: z.literal('complete'), result: text(4000) }),
  ])
  .meta({ id: 'TaskAction' });

export const taskActionInputSchema = z.object({
  actor: actorSchema,
  action: taskActionSchema,
  /**
   * Set by the API only, after checking that the caller is a supervisor over the responsible unit
   * and the task is overdue: lets that supervisor 督办 (urge) a task it does not own (DOMAIN §3).
   */
  oversight: z.boolean().optional(),
});

export const taskHistoryEntrySchema = z.object({
  at: z.string(),
  actorId: z.string(),
  action: z.string(),
  note: z.string().nullable(),
});

/** The live state returned by the case-state query and by every action. */
export const taskViewSchema = z
  .object({
    caseId: z.string(),
    status: z.enum(TASK_STATUSES),
    title: z.string(),
    description: z.string(),
    unitId: z.string(),
    ownerUnitId: z.string(),
    result: z.string().nullable(),
    urgeCount: z.number().int(),
    history: z.array(taskHistoryEntrySchema),
    clocks: z.array(clockSnapshotSchema),
  })
  .meta({ id: 'TaskView' });
