import type { Response } from 'express';
import type { Logger } from 'pino';
import type { Tx } from '../../db';
import { findCalendarRecompute, queueCalendarRecompute } from '../../db/calendar-recomputes';
import { CALENDAR_RECOMPUTE_STATUSES, type CalendarRecompute } from '../../db/schema/calendar';
import {
  CALENDAR_RECOMPUTE_WORKFLOW_ID,
  calendarRecomputeRequestedSignal,
} from '../../workflows/calendar-recompute/definitions';
import type { calendarRecomputeWorkflow } from '../../workflows/calendar-recompute/workflow';
import { ADMIN_ONLY, notFound } from '../admin';
import type { Principal } from '../auth';
import type { AppDeps } from '../deps';
import type { ApiRoutes } from '../route';
import { z } from '../zod';

/** How long the request waits for Temporal to take the fan-out; the change is saved either way. */
const START_DEADLINE_MS = 5_000;

const recomputePath = (id: string) => `/api/v1/calendar/recomputes/${id}`;

const statusSchema = z.enum(CALENDAR_RECOMPUTE_STATUSES).openapi('CalendarRecomputeStatus', {
  description:
    'pending 待开始；running 正在通知在办案件；done 所有在办案件已按新日历重算 / pending: not yet begun; running: live cases being told; done: every live case recomputed with the new calendar',
});

/** What a calendar write answers about its recompute (202 Accepted, with `Location` pointing at it). */
export const recomputeLinkSchema = z
  .object({ id: z.string(), status: statusSchema, href: z.string().openapi({ example: recomputePath('0b9d2c0e-…') }) })
  .openapi('CalendarRecomputeLink', {
    description:
      '在办案件的期限在后台重新计算，进度见 href / Live deadlines are recomputed in the background; follow href for the progress',
  });

const progressSchema = z
  .object({
    id: z.string(),
    action: z.string().openapi({ example: 'calendar.day.put' }),
    region: z.string(),
    requestedBy: z.string(),
    requestedAt: z.string(),
    status: statusSchema,
    total: z
      .number()
      .int()
      .nullable()
      .openapi({ description: '本轮开始时的在办案件数 / Live cases when the current walk began' }),
    done: z.number().int().openapi({ description: '已通知重算的在办案件数 / Live cases told to recompute' }),
    closed: z.number().int().openapi({
      description: '通知前已办结的案件数（无需重算）/ Cases that ended before they were told (nothing to recompute)',
    }),
    failures: z
      .number()
      .int()
      .openapi({ description: '失败后自动重试的通知次数 / Signals that failed and were retried' }),
    lastError: z.string().nullable(),
    walks: z.number().int().openapi({
      description:
        '遍历次数：其后又有日历变更时从头再来 / Walks over the live cases: a later change restarts from the first case',
    }),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('CalendarRecompute');

const iso = (d: Date | null) => d?.toISOString() ?? null;

function progressOf(row: CalendarRecompute): z.infer<typeof progressSchema> {
  return {
    ...row,
    requestedAt: row.requestedAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

/** Record the change's recompute in the change's own transaction. */
export function queueRecompute(
  tx: Tx,
  principal: Principal,
  action: string,
  region: string,
): Promise<CalendarRecompute> {
  return queueCalendarRecompute(tx, { action, region, requestedBy: principal.userId });
}

/**
 * Start the fan-out, or tell the running one a change waits (signal-with-start). A failure is
 * logged, not thrown: the change is saved and stays pending; the next change, or reading its
 * progress, starts the fan-out again.
 */
export async function startRecompute(deps: AppDeps, log: Logger): Promise<void> {
  try {
    await deps.temporal.withDeadline(Date.now() + START_DEADLINE_MS, () =>
      deps.temporal.workflow.signalWithStart<typeof calendarRecomputeWorkflow>('calendarRecomputeWorkflow', {
        workflowId: CALENDAR_RECOMPUTE_WORKFLOW_ID,
        taskQueue: deps.config.temporal.taskQueue,
        args: [{}],
        signal: calendarRecomputeRequestedSignal,
      }),
    );
  } catch (err) {
    log.warn({ err }, 'calendar recompute not started: the change stays pending until the next start');
  }
}

/** Answer 202 with `Location` at the recompute's progress. */
export function acceptedRecompute(res: Response, row: CalendarRecompute): z.infer<typeof recomputeLinkSchema> {
  const href = recomputePath(row.id);
  res.location(href);
  return { id: row.id, status: row.status, href };
}

export function registerCalendarRecomputeRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/calendar/recomputes/:id',
    operationId: 'getCalendarRecompute',
    summary: '日历变更后在办案件期限重算的进度 / Progress of recomputing live deadlines after a calendar change',
    description:
      '每次日历变更都有一条进度记录（变更接口 202 响应的 Location）。其后又有变更时，从头再遍历一次，直到每个在办案件都已按最新日历重算。/ ' +
      'Every calendar change has one (the Location of its 202 answer). A later change restarts the walk from the first case, until every live case has recomputed with the latest calendar.',
    tags: ['calendar'],
    access: ADMIN_ONLY,
    params: z.strictObject({ id: z.uuid() }),
    response: { schema: progressSchema, description: '进度 / The progress' },
    errors: [404],
    async handler({ params, deps, req }) {
      const row = await findCalendarRecompute(deps.database.db, params.id);
      if (!row)
        throw notFound(
          'calendar-recompute-not-found',
          `没有这条日历重算记录：${params.id}`,
          `No calendar recompute ${params.id}`,
          { id: params.id },
        );
      // Still waiting to be claimed (e.g. Temporal was away when the change was saved): start the fan-out again.
      if (row.status === 'pending') await startRecompute(deps, req.log);
      return progressOf(row);
    },
  });
}
