import { payGradesOf } from '../../db/secondment';
import { findUnit } from '../../db/units';
import { notFound, refuse, text } from '../admin';
import type { Principal } from '../auth';
import { requireUnitScope } from '../authz';
import type { AppDeps } from '../deps';
import type { ApiRoutes } from '../route';
import { z } from '../zod';
import { toCsv, toXlsx } from './assessment';

/*
 * Payroll (工资核算) reads the grid workers' monthly pay grades (绩效档次) that final grid-worker
 * assessment cycles recorded, per township and month, as JSON, CSV or XLSX.
 */

const ACCESS = { roles: ['admin', 'assessor', 'supervisor'] } as const;
const query = z.strictObject({
  townshipId: text(100).openapi({ example: 'lk.t01' }),
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: '月份格式为 YYYY-MM / month is YYYY-MM' })
    .openapi({ example: '2026-10' }),
});

const payGradeSchema = z
  .object({
    userId: z.string(),
    username: z.string(),
    name: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    total: z.number(),
    grade: z.string(),
    gradeLabel: z.string(),
    payGrade: z.string(),
    caseId: z.string().openapi({ description: '考核周期 / the cycle it was decided in' }),
    recordedAt: z.string(),
  })
  .openapi('GridPayGrade');

async function payGrades(deps: AppDeps, principal: Principal, townshipId: string, month: string) {
  const township = await findUnit(deps.database.db, townshipId);
  if (!township) throw notFound('org-unit-not-found', `单位不存在：${townshipId}`, `No org unit ${townshipId}`);
  if (township.kind !== 'township' && township.kind !== 'street')
    throw refuse(
      'not-a-township',
      `工资核算按乡镇（街道）导出，「${township.name}」不是`,
      `Payroll is per township or street; ${township.id} is a ${township.kind}`,
    );
  requireUnitScope(principal, township);
  const rows = await payGradesOf(deps.database.db, townshipId, month);
  return {
    township,
    items: rows.map(({ row, unitName }) => ({
      userId: row.userId,
      username: row.username,
      name: row.name,
      unitId: row.unitId,
      unitName,
      total: row.total,
      grade: row.grade,
      gradeLabel: row.gradeLabel,
      payGrade: row.payGrade,
      caseId: row.caseId,
      recordedAt: row.recordedAt.toISOString(),
    })),
  };
}

function table(items: Awaited<ReturnType<typeof payGrades>>['items']): (string | number)[][] {
  return [
    ['序号', '姓名', '用户名', '网格', '总分', '等次', '绩效档次', '考核编号'],
    ...items.map((r, i) => [i + 1, r.name, r.username, r.unitName, r.total, r.gradeLabel, r.payGrade, r.caseId]),
  ];
}

export function registerPayrollRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'get',
    path: '/payroll/grid-pay-grades',
    operationId: 'gridPayGrades',
    summary: '网格员月度绩效档次（按乡镇、月份，供工资核算）/ Grid workers’ monthly pay grades per township',
    description:
      '由网格员月度考核终结时记录；管理员、考核员、督查员在本辖区内可看。/ Recorded when a grid-worker cycle becomes final; admins, assessors and supervisors within their area.',
    tags: ['payroll'],
    access: ACCESS,
    query,
    response: {
      schema: z.object({
        townshipId: z.string(),
        townshipName: z.string(),
        month: z.string(),
        items: z.array(payGradeSchema),
      }),
      description: '绩效档次 / Pay grades',
    },
    errors: [404, 422],
    async handler({ query: q, principal, deps }) {
      const { township, items } = await payGrades(deps, principal, q.townshipId, q.month);
      return { townshipId: township.id, townshipName: township.name, month: q.month, items };
    },
  });

  const exportRoute = (format: 'csv' | 'xlsx', contentType: string) =>
    routes.add({
      method: 'get',
      path: `/payroll/grid-pay-grades/export.${format}`,
      operationId: format === 'csv' ? 'exportGridPayGradesCsv' : 'exportGridPayGradesXlsx',
      summary:
        format === 'csv'
          ? '导出网格员绩效档次 CSV（UTF-8 BOM）/ Pay grades as CSV'
          : '导出网格员绩效档次 XLSX / Pay grades as XLSX',
      tags: ['payroll'],
      access: ACCESS,
      query,
      response: {
        schema: z.custom<string | Buffer>().openapi({ type: 'string', format: 'binary' }),
        description: '文件 / The file',
        contentType,
      },
      errors: [404, 422],
      async handler({ query: q, principal, deps, res }) {
        const { township, items } = await payGrades(deps, principal, q.townshipId, q.month);
        res.setHeader('content-disposition', `attachment; filename="pay-grades-${township.id}-${q.month}.${format}"`);
        return format === 'csv'
          ? toCsv(table(items))
          : toXlsx(`${township.name} ${q.month} 网格员绩效档次`, table(items), '绩效档次');
      },
    });
  exportRoute('csv', 'text/csv; charset=utf-8');
  exportRoute('xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
}
