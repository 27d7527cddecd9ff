import { ADMIN_ONLY } from '../admin';
import { applyImport, dryRun, exportRows } from '../import/org-import';
import { CONTENT_TYPES, formatOf, readSheet, writeSheet, type SheetFormat } from '../import/spreadsheet';
import { headersOf, IMPORT_KINDS, SHEET_NAMES, templateNotes, type ImportReport } from '../import/templates';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { z } from '../zod';

const kindParam = z.strictObject({
  kind: z
    .enum(IMPORT_KINDS)
    .openapi({ description: 'org 组织机构 · users 用户（角色、负责人）· powers 乡镇/街道权责清单' }),
});
const fileSchema = z.custom<Buffer>().openapi({ type: 'string', format: 'binary' });
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

const reportSchema = z
  .object({
    kind: z.enum(IMPORT_KINDS),
    applied: z.boolean(),
    rows: z.number().int(),
    errors: z.array(
      z.object({ row: z.number().int(), column: z.string(), message: z.string(), messageEn: z.string() }),
    ),
    created: z.array(z.string()),
    updated: z.array(z.object({ key: z.string(), fields: z.array(z.string()) })),
    unchanged: z.number().int(),
    missing: z.array(z.string()).openapi({
      description:
        '系统中有、文件中没有的记录：只报告，不删除 / In the system but not in the file: reported, never deleted',
    }),
  })
  .openapi('ImportReport');

const present = (report: ImportReport, applied: boolean) => ({
  ...report,
  applied,
  errors: report.errors.map((e) => ({ row: e.row, column: e.column, message: e.message.zh, messageEn: e.message.en })),
});

/** Import of the org tree, users and power lists from XLSX/CSV (api/import/org-import.ts), and the templates and exports. */
export function registerImportRoutes(routes: ApiRoutes): void {
  const download = (what: 'template' | 'export', format: SheetFormat) =>
    routes.add({
      method: 'get',
      path: `/import/:kind/${what}.${format}`,
      operationId: `${what === 'template' ? 'importTemplate' : 'exportForImport'}${format === 'csv' ? 'Csv' : 'Xlsx'}`,
      summary:
        what === 'template'
          ? `下载导入模板（${format.toUpperCase()}，含填写说明）/ Download the import template (${format.toUpperCase()})`
          : `按导入模板导出现有数据（${format.toUpperCase()}）/ Export the current data in the import template (${format.toUpperCase()})`,
      tags: ['import'],
      access: ADMIN_ONLY,
      params: kindParam,
      response: {
        schema: fileSchema,
        description: '文件 / The file',
        contentType: format === 'csv' ? 'text/csv; charset=utf-8' : CONTENT_TYPES.xlsx,
      },
      async handler({ params, deps, res }) {
        const rows = what === 'export' ? await exportRows(deps.database.db, params.kind) : [];
        const notes = what === 'template' ? { title: '填写说明', lines: templateNotes(params.kind) } : undefined;
        res.setHeader(
          'content-disposition',
          `attachment; filename="${params.kind}-${what}.${format}"; filename*=UTF-8''${encodeURIComponent(`${SHEET_NAMES[params.kind]}-${what === 'template' ? '模板' : '导出'}.${format}`)}`,
        );
        return writeSheet(format, SHEET_NAMES[params.kind], headersOf(params.kind), rows, notes);
      },
    });
  download('template', 'xlsx');
  download('template', 'csv');
  download('export', 'xlsx');
  download('export', 'csv');

  routes.add({
    method: 'post',
    path: '/import/:kind',
    operationId: 'importSpreadsheet',
    summary:
      '导入组织机构、用户或权责清单（先试运行，再正式导入）/ Import the org tree, users or power lists (dry run first, then apply)',
    description:
      'mode=dry-run（默认）逐行检查并报告每个错误（行号、列、原因），不写入任何数据；mode=apply 在同一检查通过后写入，有任何错误则整份文件不写入（422）。重复导入同一文件不产生变化；文件中缺少的记录只报告，不删除。顺序：组织机构 → 用户 → 权责清单。/ ' +
      'mode=dry-run (the default) checks every row and reports each problem (row, column, reason) without writing; mode=apply writes after the same checks, and with any bad row writes nothing (422). Re-importing the same file changes nothing; records missing from the file are reported, never deleted. Order: org, then users, then powers.',
    tags: ['import'],
    access: ADMIN_ONLY,
    params: kindParam,
    query: z.strictObject({ mode: z.enum(['dry-run', 'apply']).default('dry-run') }),
    upload: {
      contentTypes: [CONTENT_TYPES.xlsx, CONTENT_TYPES.csv],
      maxBytes: MAX_UPLOAD_BYTES,
      description: 'XLSX 或 UTF-8 CSV，列见模板 / XLSX or UTF-8 CSV in the template’s columns',
    },
    response: { schema: reportSchema, description: '导入报告 / The import report' },
    errors: [422],
    async handler({ params, query, body, req, principal, deps }) {
      let sheet;
      try {
        sheet = await readSheet(body as Buffer, formatOf(req.headers['content-type']));
      } catch {
        throw new Problem(
          'badRequest',
          { zh: '无法读取文件：请上传 XLSX 或 UTF-8 编码的 CSV', en: 'Cannot read the file: upload XLSX or UTF-8 CSV' },
          { code: 'unreadable-file' },
        );
      }
      if (query.mode === 'dry-run') return present(await dryRun(deps.database.db, params.kind, sheet), false);
      const report = await applyImport(deps.database.db, params.kind, sheet, principal);
      if (report.errors.length === 0) return present(report, true);
      throw new Problem(
        'ruleRefused',
        {
          zh: `文件有 ${report.errors.length} 处错误，未导入任何数据；请按报告修改后重试`,
          en: `The file has ${report.errors.length} problems; nothing was imported`,
        },
        {
          code: 'import-has-errors',
          issues: report.errors.map((e) => ({
            path: `第 ${e.row} 行${e.column ? ` · ${e.column}` : ''}`,
            message: e.message,
          })),
          report: present(report, false),
        },
      );
    },
  });
}
