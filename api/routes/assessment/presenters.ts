import ExcelJS from 'exceljs';
import { cycleResults } from '../../../db/assessment';
import type { assessmentCycles } from '../../../db/schema/assessment';
import { cycleOutcomes } from '../../../db/secondment';
import type { SchemeDefinition } from '../../../domain/assessment';
import { SECONDMENT_EFFECT_LABEL } from '../../../domain/secondment';
import { assessmentViewSchema } from '../../../workflows/assessment/contract';
import { ASSESSMENT_PHASE_LABEL, ASSESSMENT_PHASES } from '../../../workflows/assessment/definitions';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import { z } from '../../zod';
import { type Cycle, mayReadRanking, forbidden, loadCycle, cycleDefinition } from './access';

/** A cycle as the assessment routes present it (`presentCycle`); the console's types are inferred from these schemas. */
export const cycleSchema = z
  .object({
    caseId: z.string(),
    schemeCode: z.string(),
    schemeVersion: z.number().int(),
    schemeName: z.string(),
    direction: z.string(),
    periodKey: z.string(),
    periodLabel: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    ownerUnitId: z.string(),
    phase: z.enum(ASSESSMENT_PHASES),
    phaseLabel: z.string(),
    openedBy: z.string(),
    snapshotAt: z.string().nullable(),
    scoringDeadline: z.string().nullable(),
    computedAt: z.string().nullable(),
    publishedAt: z.string().nullable(),
    appealDeadline: z.string().nullable(),
    finalAt: z.string().nullable(),
  })
  .openapi('AssessmentCycle');

export const iso = (d: Date | null) => d?.toISOString() ?? null;

export function presentCycle(row: typeof assessmentCycles.$inferSelect) {
  return {
    caseId: row.caseId,
    schemeCode: row.schemeCode,
    schemeVersion: row.schemeVersion,
    schemeName: row.schemeName,
    direction: row.direction,
    periodKey: row.periodKey,
    periodLabel: row.periodLabel,
    periodStart: row.periodStart.toISOString(),
    periodEnd: row.periodEnd.toISOString(),
    ownerUnitId: row.ownerUnitId,
    phase: row.phase,
    phaseLabel: ASSESSMENT_PHASE_LABEL[row.phase as keyof typeof ASSESSMENT_PHASE_LABEL] ?? row.phase,
    openedBy: row.openedBy,
    snapshotAt: iso(row.snapshotAt),
    scoringDeadline: iso(row.scoringDeadline),
    computedAt: iso(row.computedAt),
    publishedAt: iso(row.publishedAt),
    appealDeadline: iso(row.appealDeadline),
    finalAt: iso(row.finalAt),
  };
}

export const rankingRowSchema = z
  .object({
    rank: z.number().int(),
    rateeKey: z.string(),
    name: z.string(),
    unitId: z.string(),
    total: z.number(),
    grade: z.string(),
    gradeLabel: z.string(),
    outcome: z.string().nullable(),
    payGrade: z.string().nullable(),
    indicatorScores: z.record(z.string(), z.number()),
    rectificationCaseId: z.string().nullable(),
    final: z.boolean(),
    secondment: z
      .object({
        effect: z.enum(['convert', 'return', 'continue']),
        effectLabel: z.string(),
        note: z.string(),
        barUntil: z.string().nullable(),
        taskCaseId: z.string().nullable(),
      })
      .nullable()
      .openapi({
        description:
          '选派人员考核终结后已办理的结果运用（转编任务、退回及禁止期、继续选派）/ what the final cycle did to a seconded person',
      }),
  })
  .openapi('AssessmentRankingRow');

export const rankingSchema = z
  .object({
    cycle: cycleSchema,
    indicators: z.array(z.object({ code: z.string(), name: z.string(), side: z.string(), weight: z.number() })),
    items: z.array(rankingRowSchema),
    top: z.array(rankingRowSchema),
    bottom: z.array(rankingRowSchema),
  })
  .openapi('AssessmentRanking');

export async function ranking(deps: AppDeps, c: Cycle) {
  const [rows, outcomes] = await Promise.all([
    cycleResults(deps.database.db, c.cycle.caseId),
    cycleOutcomes(deps.database.db, c.cycle.caseId),
  ]);
  const outcomeOf = new Map(
    outcomes.map((o) => [
      `user:${o.userId}`,
      {
        effect: o.effect,
        effectLabel: SECONDMENT_EFFECT_LABEL[o.effect],
        note: o.note,
        barUntil: o.barUntil,
        taskCaseId: o.taskCaseId,
      },
    ]),
  );
  return rows.map(({ result: r, ratee }) => ({
    rank: r.rank,
    rateeKey: r.rateeKey,
    name: ratee.name,
    unitId: ratee.unitId,
    total: r.total,
    grade: r.grade,
    gradeLabel: r.gradeLabel,
    outcome: r.outcome,
    payGrade: r.payGrade,
    indicatorScores: Object.fromEntries(r.indicators.map((i) => [i.code, i.score])),
    rectificationCaseId: r.rectificationCaseId,
    final: r.final,
    secondment: outcomeOf.get(r.rateeKey) ?? null,
  }));
}

export async function readableRanking(deps: AppDeps, principal: Principal, id: string) {
  const c = await loadCycle(deps, id);
  if (!mayReadRanking(principal, c))
    throw forbidden(
      '考核结果尚未公示，仅考核员可查看',
      'Results are visible to assessors only until they are published',
    );
  return { c, rows: await ranking(deps, c), def: await cycleDefinition(deps, c) };
}

// ── Export ───────────────────────────────────────────────────────────────────────────────────────

/** Header and rows of a ranking table: rank, ratee, total, grade, meaning, then every indicator's score. */
export function exportTable(def: SchemeDefinition, rows: Awaited<ReturnType<typeof ranking>>): (string | number)[][] {
  const header = [
    '名次',
    '考核对象',
    '代码',
    '总分',
    '等次',
    '结果运用',
    ...def.indicators.map((i) => `${i.name}（${i.weight}分）`),
    '整改任务',
  ];
  return [
    header,
    ...rows.map((r) => [
      r.rank,
      r.name,
      r.rateeKey,
      r.total,
      r.gradeLabel,
      r.secondment?.note ?? r.outcome ?? r.payGrade ?? '',
      ...def.indicators.map((i) => r.indicatorScores[i.code] ?? ''),
      r.rectificationCaseId ?? '',
    ]),
  ];
}

/** A text cell a spreadsheet would read as a formula (OWASP "CSV injection"): = + - @, tab, CR. */
export const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * RFC 4180 CSV with a UTF-8 BOM so that Excel opens Chinese text correctly. Text that starts like a
 * formula (a unit named `=HYPERLINK(…)`) gets a leading `'` and quotes, so Excel and WPS show it as
 * text; numbers stay numbers.
 */
export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => {
    const formula = typeof v === 'string' && FORMULA_START.test(v);
    const s = formula ? `'${v}` : String(v);
    return formula || /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** A one-sheet workbook: a bold title row, then the table with its header in bold. */
export async function toXlsx(title: string, rows: (string | number)[][], sheetName = '考核结果'): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(sheetName);
  sheet.addRow([title]).font = { bold: true, size: 14 };
  for (const r of rows) sheet.addRow(r);
  sheet.getRow(2).font = { bold: true };
  sheet.columns.forEach((col, i) => (col.width = i === 1 ? 28 : 14));
  return Buffer.from(await book.xlsx.writeBuffer());
}

export const actionResponse = {
  schema: assessmentViewSchema,
  description: '操作后的考核概况 / The cycle after the action',
};
