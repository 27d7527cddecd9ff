import { cycleRatees, cycleResults, rateeDetail, rateeHistory } from '../../../db/assessment';
import { METRICS, type MetricKey } from '../../../domain/assessment';
import { notFound } from '../../admin';
import type { ApiRoutes } from '../../route';
import { z } from '../../zod';
import {
  PUBLIC_PHASES,
  cycleIdParam,
  appealRowSchema,
  rateeResultSchema,
  presentAppeal,
  mayReadRanking,
  mayReadBreakdown,
  forbidden,
  loadCycle,
} from './access';
import { cycleSchema, presentCycle, readableRanking, exportTable, toCsv, toXlsx } from './presenters';

export function registerResultRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/assessment/cycles/:id/results/:rateeKey',
    operationId: 'assessmentBreakdown',
    summary:
      '一个考核对象的得分明细：每个指标的公式、原始数据、来源案件、评分单位的评分、申诉调整 / One ratee’s breakdown',
    description:
      '考核员随时可看；考核对象在公示后看本单位（本人）的明细。/ Assessors any time; a ratee its own once published.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: z.strictObject({ id: z.string().min(1).max(100), rateeKey: z.string().min(1).max(120) }),
    response: {
      schema: z.object({
        cycle: cycleSchema,
        ratee: z.object({
          rateeKey: z.string(),
          name: z.string(),
          type: z.string(),
          unitId: z.string(),
          raters: z.record(z.string(), z.array(z.string())),
        }),
        result: z.union([rateeResultSchema, z.null()]),
        sourceData: z.array(
          z.object({ metric: z.string(), name: z.string(), value: z.number(), caseIds: z.array(z.string()) }),
        ),
        snapshotAt: z.string().nullable(),
        appeals: z.array(appealRowSchema),
      }),
      description: '明细 / The breakdown',
    },
    errors: [403, 404],
    async handler({ params, principal, deps }) {
      const db = deps.database.db;
      const c = await loadCycle(deps, params.id);
      const ratee = (await cycleRatees(db, params.id)).find((r) => r.rateeKey === params.rateeKey);
      if (!ratee)
        throw notFound(
          'ratee-not-found',
          `本期考核没有这个考核对象：${params.rateeKey}`,
          `No ratee ${params.rateeKey} in this cycle`,
        );
      if (!mayReadBreakdown(principal, c, ratee))
        throw forbidden(
          '只有考核员或考核对象本身（公示后）可以查看得分明细',
          'Only assessors, or the ratee itself once published, may see a breakdown',
        );
      const [results, detail] = await Promise.all([
        cycleResults(db, params.id),
        rateeDetail(db, params.id, params.rateeKey),
      ]);
      const result = results.find((r) => r.result.rateeKey === params.rateeKey)?.result ?? null;
      const snapshot = detail.snapshot;
      const sourceData = snapshot
        ? Object.entries(snapshot.metrics).map(([metric, value]) => ({
            metric,
            name: METRICS[metric as MetricKey]?.zh ?? metric,
            value: value ?? 0,
            caseIds: snapshot.sources[metric] ?? [],
          }))
        : [];
      return {
        cycle: presentCycle(c.cycle),
        ratee: {
          rateeKey: ratee.rateeKey,
          name: ratee.name,
          type: ratee.rateeType,
          unitId: ratee.unitId,
          raters: ratee.raters,
        },
        result,
        sourceData,
        snapshotAt: snapshot?.takenAt.toISOString() ?? null,
        appeals: detail.appeals.map(presentAppeal),
      };
    },
  });

  const exportRoute = (format: 'csv' | 'xlsx', contentType: string) =>
    routes.add({
      method: 'get',
      path: `/assessment/cycles/:id/export.${format}`,
      operationId: format === 'csv' ? 'exportAssessmentCsv' : 'exportAssessmentXlsx',
      summary:
        format === 'csv'
          ? '导出排名 CSV（UTF-8 BOM，Excel 可直接打开）/ Export the ranking as CSV'
          : '导出排名 XLSX / Export the ranking as XLSX',
      tags: ['assessment'],
      access: { roles: 'any' },
      params: cycleIdParam,
      response: {
        schema: z.custom<string | Buffer>().openapi({ type: 'string', format: 'binary' }),
        description: '文件 / The file',
        contentType,
      },
      errors: [403, 404],
      async handler({ params, principal, deps, res }) {
        const { c, rows, def } = await readableRanking(deps, principal, params.id);
        const table = exportTable(def, rows);
        res.setHeader('content-disposition', `attachment; filename="${c.cycle.caseId}.${format}"`);
        return format === 'csv'
          ? toCsv(table)
          : toXlsx(`${c.cycle.schemeName}（${c.cycle.periodLabel}）${presentCycle(c.cycle).phaseLabel}`, table);
      },
    });

  exportRoute('csv', 'text/csv; charset=utf-8');

  exportRoute('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');

  routes.add({
    method: 'get',
    path: '/assessment/ratees/:rateeKey/history',
    operationId: 'assessmentHistory',
    summary: '考核对象历次考核结果 / A ratee’s results across cycles',
    description:
      '已公示、已终结的结果全县可见；考核员还能看到待公示的结果。rateeKey 如 unit:lk.t01 或 user:u.lk.t01.v01.g01.grid。/ Published and final results; assessors also see results under review.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: z.strictObject({ rateeKey: z.string().regex(/^(unit|user):[a-z0-9.-]+$/) }),
    response: {
      schema: z.object({
        rateeKey: z.string(),
        items: z.array(
          z.object({
            cycle: cycleSchema,
            rank: z.number().int(),
            total: z.number(),
            grade: z.string(),
            gradeLabel: z.string(),
            final: z.boolean(),
          }),
        ),
      }),
      description: '历史 / History',
    },
    async handler({ params, principal, deps }) {
      const rows = await rateeHistory(deps.database.db, params.rateeKey, ['review', ...PUBLIC_PHASES]);
      const visible = rows.filter((r) =>
        mayReadRanking(principal, { cycle: r.cycle, ownerPath: r.ownerPath, ownerName: '' }),
      );
      return {
        rateeKey: params.rateeKey,
        items: visible.map((r) => ({
          cycle: presentCycle(r.cycle),
          rank: r.result.rank,
          total: r.result.total,
          grade: r.result.grade,
          gradeLabel: r.result.gradeLabel,
          final: r.result.final,
        })),
      };
    },
  });
}
