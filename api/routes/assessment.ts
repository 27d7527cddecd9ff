import ExcelJS from 'exceljs';
import { and, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import {
  cycleAppeals,
  cycleRatees,
  cycleResults,
  cycleStartInput,
  findCycle,
  loadScheme,
  openCycle,
  prepareCycle,
  rateeDetail,
  raterScores,
  rateeHistory,
} from '../../db/assessment';
import { assessmentCycles, assessmentRatees } from '../../db/schema/assessment';
import { cycleOutcomes } from '../../db/secondment';
import { cases } from '../../db/schema/cases';
import { orgUnits } from '../../db/schema/org';
import { findUnit } from '../../db/units';
import {
  manualIndicators,
  METRICS,
  topAndBottom,
  type MetricKey,
  type SchemeDefinition,
} from '../../domain/assessment';
import { SECONDMENT_EFFECT_LABEL } from '../../domain/secondment';
import {
  appealActionSchema,
  appealSchema,
  assessmentViewSchema,
  closeScoringActionSchema,
  decideAppealActionSchema,
  indicatorLineSchema,
  publishActionSchema,
  scoreActionSchema,
  sideLineSchema,
} from '../../workflows/assessment/contract';
import {
  assessmentActionUpdate,
  assessmentCase,
  ASSESSMENT_PHASE_LABEL,
  ASSESSMENT_PHASES,
  type AssessmentAction,
  type AssessmentPhase,
  type AssessmentView,
} from '../../workflows/assessment/definitions';
import { notFound, text } from '../admin';
import type { Principal } from '../auth';
import { isWithin, requireUnitScope } from '../authz';
import { calendarFor, requireDeadlineComputable, startCase } from '../case-start';
import type { AppDeps } from '../deps';
import { Problem } from '../problem';
import type { ApiRoutes } from '../route';
import { pageOf, pageQuery } from '../schemas';
import { actOnCase } from '../temporal';
import { z } from '../zod';
import { actorOf } from './tasks';

/*
 * Assessment cycles (双向考核, DOMAIN §7). Who does what:
 * - assessors (考核员, role `assessor`) of the scheme's organising unit or above — in the demo the
 *   county assessor `lk.assessor` — open cycles, close scoring early, publish and decide appeals,
 *   and see every breakdown at any time;
 * - raters are the scheme's rater units: there, leaders and the roles the scheme names (by default
 *   assessors; the command centre's dispatchers too) score their own ratees only;
 * - a ratee (a unit: its leader or assessor; a user: that user) sees its own breakdown once
 *   published and may appeal only within the appeal window;
 * - published and final results (ranking, totals, grades, indicator scores) are visible county-wide.
 */

const PUBLIC_PHASES: readonly AssessmentPhase[] = ['published', 'final'];
const cycleIdParam = z.strictObject({ id: z.string().min(1).max(100) });

/** An appeal as stored with its cycle (instants as ISO strings). */
const appealRowSchema = appealSchema.extend({ caseId: z.string() }).openapi('AssessmentAppeal');

/** One ratee's result as stored: total, grade, rank, sides and indicator lines. */
const rateeResultSchema = z
  .object({
    caseId: z.string(),
    rateeKey: z.string(),
    total: z.number(),
    grade: z.string(),
    gradeLabel: z.string(),
    rank: z.number().int(),
    outcome: z.string().nullable(),
    payGrade: z.string().nullable(),
    sides: z.array(sideLineSchema),
    indicators: z.array(indicatorLineSchema),
    explanation: z.string(),
    rectificationCaseId: z.string().nullable(),
    final: z.boolean(),
  })
  .openapi('AssessmentRateeResult', {
    description:
      '总分、等次、名次、各评价主体与各指标（得分、分值、贡献、说明、评分明细、申诉调整）/ total, grade, rank, sides and indicator lines',
  });

type AppealRow = Awaited<ReturnType<typeof cycleAppeals>>[number];
const presentAppeal = (a: AppealRow): z.infer<typeof appealRowSchema> => ({
  ...a,
  filedAt: a.filedAt.toISOString(),
  decidedAt: a.decidedAt?.toISOString() ?? null,
});

type Cycle = NonNullable<Awaited<ReturnType<typeof findCycle>>>;
type RateeRow = typeof assessmentRatees.$inferSelect;

const countyOf = (path: string) => path.split('/')[0]!;

/** Assessors (and admins) of the organising unit or above see and run everything in a cycle. */
function isAssessor(p: Principal, c: Cycle): boolean {
  return (p.role === 'assessor' || p.role === 'admin') && isWithin(c.ownerPath, p.unitPath);
}

/** Published and final rankings are visible county-wide; before that, to assessors only. */
function mayReadRanking(p: Principal, c: Cycle): boolean {
  return isAssessor(p, c) || (PUBLIC_PHASES.includes(c.cycle.phase) && countyOf(p.unitPath) === countyOf(c.ownerPath));
}

/** The caller is this ratee: the user itself, or a user of the ratee unit. */
function isRatee(p: Principal, r: RateeRow): boolean {
  return r.rateeType === 'user' ? p.userId === r.rateeId : p.unitId === r.unitId;
}

function mayReadBreakdown(p: Principal, c: Cycle, r: RateeRow): boolean {
  return isAssessor(p, c) || (PUBLIC_PHASES.includes(c.cycle.phase) && isRatee(p, r));
}

const forbidden = (zh: string, en: string) => new Problem('forbidden', { zh, en }, { code: 'assessment-forbidden' });

async function loadCycle(deps: AppDeps, id: string): Promise<Cycle> {
  const c = await findCycle(deps.database.db, id);
  if (!c) throw notFound('cycle-not-found', `考核不存在：${id}`, `No assessment cycle ${id}`);
  return c;
}

async function cycleDefinition(deps: AppDeps, c: Cycle): Promise<SchemeDefinition> {
  const scheme = await loadScheme(deps.database.db, c.cycle.schemeCode, c.cycle.schemeVersion);
  if (!scheme)
    throw notFound(
      'scheme-not-found',
      `考核方案版本缺失：${c.cycle.schemeCode} v${c.cycle.schemeVersion}`,
      `Scheme version missing`,
    );
  return scheme.definition;
}

/** Send an action to a cycle's workflow; a final cycle has completed and takes none. */
async function act(deps: AppDeps, principal: Principal, id: string, action: AssessmentAction): Promise<AssessmentView> {
  const c = await loadCycle(deps, id);
  if (c.cycle.phase === 'final')
    throw new Problem(
      'conflict',
      { zh: '考核已终结，结果不可更改', en: 'The cycle is final and cannot change' },
      { code: 'cycle-final' },
    );
  const actor = { ...actorOf(principal), isLeader: principal.isLeader };
  return actOnCase(deps.temporal, id, assessmentActionUpdate, { actor, action });
}

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

const iso = (d: Date | null) => d?.toISOString() ?? null;

function presentCycle(row: typeof assessmentCycles.$inferSelect) {
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

async function ranking(deps: AppDeps, c: Cycle) {
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

async function readableRanking(deps: AppDeps, principal: Principal, id: string) {
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
function exportTable(def: SchemeDefinition, rows: Awaited<ReturnType<typeof ranking>>): (string | number)[][] {
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
const FORMULA_START = /^[=+\-@\t\r]/;

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

const actionResponse = { schema: assessmentViewSchema, description: '操作后的考核概况 / The cycle after the action' };

export function registerAssessmentRoutes(routes: ApiRoutes): void {
  routes.add({
    method: 'post',
    path: '/assessment/cycles',
    operationId: 'openAssessmentCycle',
    summary: '手动开启一期考核（每个方案每期一次）/ Open a cycle by hand',
    description:
      '考核员（方案组织单位或其上级）开启已结束考核期的考核：冻结当前方案版本和考核对象，快照自动指标，开始评分期。通常由 Temporal 定时计划在每期开始时自动开启。/ Assessors open a cycle for an ended period; schedules normally do it.',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    body: z.strictObject({
      schemeCode: text(40),
      periodKey: text(10).openapi({
        description: '考核期：月 2026-10，季 2026-Q3，年 2026 / period key',
        example: '2026-10',
      }),
    }),
    response: { status: 201, schema: assessmentViewSchema, description: '已开启，评分中 / Opened; scoring' },
    errors: [404, 409, 422, 503],
    async handler({ body, principal, deps }) {
      const db = deps.database.db;
      const now = Date.now();
      const prepared = await prepareCycle(db, body.schemeCode, body.periodKey, now);
      if (!prepared.ok && prepared.code !== 'cycle-exists')
        throw new Problem(
          prepared.status === 404 ? 'notFound' : 'ruleRefused',
          { zh: prepared.zh, en: prepared.en },
          { code: prepared.code, ...prepared.extra },
        );
      const scheme = await loadScheme(db, body.schemeCode);
      const owner = await findUnit(db, scheme!.definition.ownerUnitId);
      requireUnitScope(principal, owner!);
      const calendar = await calendarFor(deps, owner!);
      requireDeadlineComputable(calendar, scheme!.definition.scoringWindow, now);
      const opened = await openCycle(db, body.schemeCode, body.periodKey, now, principal.userId);
      if (!opened.ok) throw new Problem('ruleRefused', { zh: opened.zh, en: opened.en }, { code: opened.code });
      // A cycle whose workflow already recorded itself is open; one left without (Temporal was away) is started again.
      const [started] = await db.select({ id: cases.id }).from(cases).where(eq(cases.id, opened.caseId));
      if (!opened.created && started)
        throw new Problem(
          'conflict',
          { zh: `该方案本期考核已开启：${opened.caseId}`, en: `This cycle is already open: ${opened.caseId}` },
          { code: 'cycle-exists', caseId: opened.caseId },
        );
      const start = await cycleStartInput(db, opened.caseId, actorOf(principal), async () => calendar, now);
      if (!start.ok) throw new Problem('ruleRefused', { zh: start.zh, en: start.en }, { code: start.code });
      return startCase(deps, assessmentCase, opened.caseId, start.input);
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/cycles',
    operationId: 'listAssessmentCycles',
    summary: '考核周期列表 / Assessment cycles',
    description:
      '已公示、已终结的考核全县可见；其他阶段对考核员及本期的评分单位、考核对象可见。/ Published and final cycles are visible county-wide; others to assessors, raters and ratees.',
    tags: ['assessment'],
    access: { roles: 'any' },
    query: z.strictObject({
      schemeCode: z.string().max(40).optional(),
      phase: z.enum(ASSESSMENT_PHASES).optional(),
      ...pageQuery,
    }),
    response: { schema: pageOf(cycleSchema, 'AssessmentCyclePage'), description: '分页结果 / A page of cycles' },
    async handler({ query, principal, deps }) {
      const db = deps.database.db;
      const county = countyOf(principal.unitPath);
      const involved = sql`exists (select 1 from ${assessmentRatees} r where r.case_id = ${assessmentCycles.caseId}
        and (r.unit_id = ${principal.unitId} or r.ratee_id = ${principal.userId} or exists (select 1 from jsonb_each(r.raters) s, jsonb_array_elements_text(s.value) u where u = ${principal.unitId})))`;
      const assessor = sql`${principal.role === 'assessor' || principal.role === 'admin'} and exists (select 1 from org_units o where o.id = ${assessmentCycles.ownerUnitId} and (o.path = ${principal.unitPath} or o.path like ${`${principal.unitPath}/%`}))`;
      const publicInCounty = and(
        inArray(assessmentCycles.phase, [...PUBLIC_PHASES]),
        sql`exists (select 1 from org_units o where o.id = ${assessmentCycles.ownerUnitId} and split_part(o.path, '/', 1) = ${county})`,
      );
      const conds: SQL[] = [or(assessor, publicInCounty, involved)!];
      if (query.schemeCode) conds.push(eq(assessmentCycles.schemeCode, query.schemeCode));
      if (query.phase) conds.push(eq(assessmentCycles.phase, query.phase));
      const where = and(...conds);
      const [rows, [total]] = await Promise.all([
        db
          .select()
          .from(assessmentCycles)
          .where(where)
          .orderBy(desc(assessmentCycles.periodStart), desc(assessmentCycles.createdAt))
          .limit(query.pageSize)
          .offset((query.page - 1) * query.pageSize),
        db.select({ n: count() }).from(assessmentCycles).where(where),
      ]);
      return { items: rows.map(presentCycle), page: query.page, pageSize: query.pageSize, total: total!.n };
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/cycles/:id',
    operationId: 'getAssessmentCycle',
    summary: '一期考核：阶段、期限、评分进度、我的评分表、先进与后进名单 / One cycle',
    description:
      '评分单位看到本单位须评分的对象和指标（scoreSheet）；考核员看到各评分单位的未评分数（missingByRater）；可看排名者看到先进/后进名单。/ Raters get their score sheet; assessors the missing scores per rater; readers of the ranking the top and bottom lists.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    response: {
      schema: cycleSchema.extend({
        ratees: z.number().int(),
        scoreSheet: z.array(
          z.object({
            rateeKey: z.string(),
            name: z.string(),
            indicatorCode: z.string(),
            indicatorName: z.string(),
            max: z.number(),
            score: z.number().nullable(),
            comment: z.string().nullable(),
            weight: z.number(),
            guidance: z
              .string()
              .nullable()
              .openapi({ description: '方案中该指标的评分说明 / The scheme’s guidance for the indicator' }),
          }),
        ),
        figures: z
          .record(z.string(), z.array(z.object({ metric: z.string(), name: z.string(), value: z.number() })))
          .openapi({
            description:
              '评分单位所评对象的自动指标快照（rateeKey → 数据项），评分时参考 / The snapshot figures of the rater’s ratees, beside the score sheet',
          }),
        missingByRater: z.record(z.string(), z.number()).nullable(),
        progressByRater: z
          .array(
            z.object({ unitId: z.string(), name: z.string(), expected: z.number().int(), given: z.number().int() }),
          )
          .nullable()
          .openapi({
            description: '考核员：各评分单位应评与已评项数 / For assessors: scores expected and given per rater unit',
          }),
        top: z.array(rankingRowSchema).nullable(),
        bottom: z.array(rankingRowSchema).nullable(),
      }),
      description: '考核 / The cycle',
    },
    errors: [404],
    async handler({ params, principal, deps }) {
      const db = deps.database.db;
      const c = await loadCycle(deps, params.id);
      const [ratees, def, mine] = await Promise.all([
        cycleRatees(db, params.id),
        cycleDefinition(deps, c),
        raterScores(db, params.id, principal.unitId),
      ]);
      const assessor = isAssessor(principal, c);
      const involved = ratees.some(
        (r) => isRatee(principal, r) || Object.values(r.raters).some((units) => units.includes(principal.unitId)),
      );
      if (!assessor && !involved && !mayReadRanking(principal, c))
        throw notFound(
          'cycle-not-found',
          `考核不存在或无权查看：${params.id}`,
          `No cycle ${params.id}, or you may not see it`,
        );
      const manual = manualIndicators(def);
      const scoreSheet = ratees.flatMap((r) =>
        manual
          .filter((ind) => (r.raters[ind.side] ?? []).includes(principal.unitId))
          .map((ind) => {
            const given = mine.find((s) => s.rateeKey === r.rateeKey && s.indicatorCode === ind.code);
            return {
              rateeKey: r.rateeKey,
              name: r.name,
              indicatorCode: ind.code,
              indicatorName: ind.name,
              max: ind.formula.type === 'manual' ? ind.formula.max : 100,
              score: given?.score ?? null,
              comment: given?.comment ?? null,
              weight: ind.weight,
              guidance: ind.description ?? null,
            };
          }),
      );
      const sheetRatees = [...new Set(scoreSheet.map((s) => s.rateeKey))];
      const snapshots = await Promise.all(
        sheetRatees.map((k) => rateeDetail(db, params.id, k).then((d) => [k, d.snapshot] as const)),
      );
      const figures = Object.fromEntries(
        snapshots.map(([k, snap]) => [
          k,
          Object.entries(snap?.metrics ?? {}).map(([metric, value]) => ({
            metric,
            name: METRICS[metric as MetricKey]?.zh ?? metric,
            value: value ?? 0,
          })),
        ]),
      );
      let missingByRater: Record<string, number> | null = null;
      let progressByRater: { unitId: string; name: string; expected: number; given: number }[] | null = null;
      if (assessor) {
        const raterUnits = [...new Set(ratees.flatMap((r) => Object.values(r.raters).flat()))];
        const given = new Set(
          (await Promise.all(raterUnits.map((u) => raterScores(db, params.id, u))))
            .flat()
            .map((s) => `${s.rateeKey}|${s.indicatorCode}|${s.raterUnitId}`),
        );
        missingByRater = {};
        const tally = new Map(raterUnits.map((u) => [u, { expected: 0, given: 0 }]));
        for (const r of ratees)
          for (const ind of manual)
            for (const u of r.raters[ind.side] ?? []) {
              const t = tally.get(u)!;
              t.expected += 1;
              if (given.has(`${r.rateeKey}|${ind.code}|${u}`)) t.given += 1;
              else missingByRater[u] = (missingByRater[u] ?? 0) + 1;
            }
        const names = new Map(
          (raterUnits.length
            ? await db
                .select({ id: orgUnits.id, name: orgUnits.name })
                .from(orgUnits)
                .where(inArray(orgUnits.id, raterUnits))
            : []
          ).map((u) => [u.id, u.name]),
        );
        progressByRater = raterUnits
          .map((u) => ({ unitId: u, name: names.get(u) ?? u, ...tally.get(u)! }))
          .sort((a, b) => a.given / a.expected - b.given / b.expected || a.unitId.localeCompare(b.unitId));
      }
      const lists = mayReadRanking(principal, c) ? topAndBottom(await ranking(deps, c), def.ranking) : null;
      return {
        ...presentCycle(c.cycle),
        ratees: ratees.length,
        scoreSheet,
        figures,
        missingByRater,
        progressByRater,
        top: lists?.top ?? null,
        bottom: lists?.bottom ?? null,
      };
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/scores',
    operationId: 'scoreAssessment',
    summary: '评分（只能为本单位负责评分的对象评分）/ Score your own ratees',
    description:
      '评分单位的负责人或方案指定角色（默认考核员；县综合指挥中心含指挥员）在评分期内为本单位负责的考核对象的人工指标评分，可多次修改，以最后一次为准；截止后拒绝（409）。为他人的对象评分 403。/ Within the scoring window; only your own ratees (403 otherwise); 409 after the deadline.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    body: scoreActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, { type: 'score', scores: body.scores });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/close-scoring',
    operationId: 'closeAssessmentScoring',
    summary: '提前结束评分并计分（考核员）/ Close scoring early and compute',
    description: '未评分项按方案规则处理。/ Missing scores are handled by the scheme’s rule.',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    params: cycleIdParam,
    body: closeScoringActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, { type: 'close-scoring', reason: body.reason });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/publish',
    operationId: 'publishAssessment',
    summary: '公示考核结果，开始申诉期（考核员）/ Publish the results; the appeal window opens',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    params: cycleIdParam,
    body: publishActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, { type: 'publish', ...(body.note ? { note: body.note } : {}) });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/appeals',
    operationId: 'appealAssessment',
    summary: '对本单位（本人）的考核结果申诉（申诉期内）/ Appeal your own result within the window',
    description:
      '考核对象单位的负责人或考核员（个人考核对象为本人）在申诉期内提出；申诉期外 422，他人结果 403，已有待复核申诉 409。/ By the ratee; 422 after the window.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    body: appealActionSchema.omit({ type: true }),
    response: actionResponse,
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, {
        type: 'appeal',
        rateeKey: body.rateeKey,
        reason: body.reason,
        ...(body.indicatorCode ? { indicatorCode: body.indicatorCode } : {}),
      });
    },
  });

  routes.add({
    method: 'post',
    path: '/assessment/cycles/:id/appeals/:appealId/decision',
    operationId: 'decideAssessmentAppeal',
    summary: '复核申诉：维持或调整（须说明理由）（考核员）/ Decide an appeal: maintain or adjust, with a reason',
    description:
      '调整时给出指标的新得分（0–100），重新计算总分、等次和排名。/ An adjustment sets indicator scores (0–100); totals, grades and ranks are recomputed.',
    tags: ['assessment'],
    access: { roles: ['assessor'] },
    params: z.strictObject({ id: z.string().min(1).max(100), appealId: z.string().min(1).max(20) }),
    body: decideAppealActionSchema.omit({ type: true, appealId: true }),
    response: actionResponse,
    errors: [404, 409, 422, 503],
    async handler({ params, body, principal, deps }) {
      return act(deps, principal, params.id, {
        type: 'decide-appeal',
        appealId: params.appealId,
        decision: body.decision,
        reason: body.reason,
        ...(body.adjustments ? { adjustments: body.adjustments } : {}),
      });
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/cycles/:id/appeals',
    operationId: 'listAssessmentAppeals',
    summary: '申诉及复核结果（考核员看全部，考核对象看本单位）/ Appeals',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    response: { schema: z.object({ items: z.array(appealRowSchema) }), description: '申诉 / Appeals' },
    errors: [404],
    async handler({ params, principal, deps }) {
      const c = await loadCycle(deps, params.id);
      const [appeals, ratees] = await Promise.all([
        cycleAppeals(deps.database.db, params.id),
        cycleRatees(deps.database.db, params.id),
      ]);
      const own = new Set(ratees.filter((r) => isRatee(principal, r)).map((r) => r.rateeKey));
      return { items: appeals.filter((a) => isAssessor(principal, c) || own.has(a.rateeKey)).map(presentAppeal) };
    },
  });

  routes.add({
    method: 'get',
    path: '/assessment/cycles/:id/results',
    operationId: 'assessmentRanking',
    summary: '考核排名（含各指标得分、先进/后进名单）/ Ranking with indicator scores',
    description: '公示后全县可见；公示前仅考核员可见。/ County-wide once published; assessors only before.',
    tags: ['assessment'],
    access: { roles: 'any' },
    params: cycleIdParam,
    response: { schema: rankingSchema, description: '排名 / The ranking' },
    errors: [403, 404],
    async handler({ params, principal, deps }) {
      const { c, rows, def } = await readableRanking(deps, principal, params.id);
      return {
        cycle: presentCycle(c.cycle),
        indicators: def.indicators.map((i) => ({ code: i.code, name: i.name, side: i.side, weight: i.weight })),
        items: rows,
        ...topAndBottom(rows, def.ranking),
      };
    },
  });

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
