import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { CHAIN_BREAKS } from '../../domain/audit-verdict';
import { AUDIT_SWEEP_ID_PREFIX, auditSweepProgressQuery, sweepStarting } from '../../workflows/audit/definitions';
import type { auditSweepWorkflow } from '../../workflows/audit/workflow';
import { ADMIN_ONLY } from '../admin';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { idParam } from '../schemas';
import { temporalProblem, withEngineDeadline, withTemporal } from '../temporal';
import { z } from '../zod';

const brokenStreamSchema = z.object({
  streamId: z.string(),
  brokenAtSeq: z.number().int(),
  kind: z.enum(CHAIN_BREAKS),
  problem: z.string(),
  message: z.object({ zh: z.string(), en: z.string() }),
});

const sweepSchema = z
  .object({
    id: z.string(),
    status: z.enum(['running', 'completed']),
    requestedBy: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    total: z.number().int().nullable().openapi({ description: '待核验的审计流数 / Streams to walk' }),
    checked: z.number().int().openapi({ description: '已核验 / Walked so far' }),
    unanchored: z.number().int().openapi({
      description: '流程引擎无法提供锚点、仅按签名核验的案件数 / Cases checked by signature only (no engine anchor)',
    }),
    brokenCount: z.number().int(),
    broken: z
      .array(brokenStreamSchema)
      .openapi({ description: '审计链被破坏的案件（最多 500 条）/ Broken streams (first 500)' }),
  })
  .openapi('AuditSweep');

const sweepNotFound = (id: string) =>
  new Problem(
    'notFound',
    { zh: `没有该审计核验任务：${id}`, en: `No audit sweep ${id}` },
    { code: 'audit-sweep-not-found' },
  );

/** County-wide audit verification, run in the background by a workflow (workflows/audit). */
export function registerAuditRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/audit/sweeps',
    operationId: 'startAuditSweep',
    summary: '启动全县审计链核验（后台）/ Start a county-wide audit verification in the background',
    description:
      '逐一核验所有案件与配置的审计链（哈希、签名、流程引擎锚点），返回任务编号；用 GET 查询进度与结果。\n\nVerifies every case and configuration audit stream (hashes, signatures, the engine’s anchor); poll the answer’s id with GET for progress and result.',
    tags: ['audit'],
    access: ADMIN_ONLY,
    response: { status: 202, schema: sweepSchema, description: '已启动 / Started' },
    errors: [403, 503],
    async handler({ principal, deps }) {
      const id = `${AUDIT_SWEEP_ID_PREFIX}${randomUUID()}`;
      await withTemporal(id, () =>
        withEngineDeadline(deps.temporal, () =>
          deps.temporal.workflow.start<typeof auditSweepWorkflow>('auditSweepWorkflow', {
            workflowId: id,
            taskQueue: deps.config.temporal.taskQueue,
            args: [{ requestedBy: principal.userId }],
          }),
        ),
      );
      return { id, ...sweepStarting(principal.userId, new Date().toISOString()) };
    },
  });

  routes.add({
    method: 'get',
    path: '/audit/sweeps/:id',
    operationId: 'getAuditSweep',
    summary: '全县审计链核验的进度与结果 / Progress and result of a county-wide audit verification',
    tags: ['audit'],
    access: ADMIN_ONLY,
    params: idParam,
    response: { schema: sweepSchema, description: '进度 / Progress' },
    errors: [403, 404, 503],
    async handler({ params, deps }) {
      if (!params.id.startsWith(AUDIT_SWEEP_ID_PREFIX)) throw sweepNotFound(params.id);
      try {
        const progress = await withEngineDeadline(deps.temporal, () =>
          deps.temporal.workflow.getHandle(params.id).query(auditSweepProgressQuery),
        );
        return { id: params.id, ...progress };
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw sweepNotFound(params.id);
        throw temporalProblem(err, params.id) ?? err;
      }
    },
  });
}
