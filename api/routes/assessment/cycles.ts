import { and, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import {
  cycleRatees,
  cycleStartInput,
  loadScheme,
  openCycle,
  prepareCycle,
  rateeDetail,
  raterScores,
} from '../../../db/assessment';
import { assessmentCycles, assessmentRatees } from '../../../db/schema/assessment';
import { cases } from '../../../db/schema/cases';
import { orgUnits } from '../../../db/schema/org';
import { findUnit } from '../../../db/units';
import { manualIndicators, METRICS, topAndBottom, type MetricKey } from '../../../domain/assessment';
import { assessmentViewSchema } from '../../../workflows/assessment/contract';
import { assessmentCase, ASSESSMENT_PHASES } from '../../../workflows/assessment/definitions';
import { notFound, text } from '../../admin';
import { requireUnitScope } from '../../authz';
import { calendarFor, requireDeadlineComputable, startCase } from '../../case-start';
import { Problem } from '../../problem';
import type { ApiRoutes } from '../../route';
import { pageOf, pageQuery } from '../../schemas';
import { z } from '../../zod';
import { actorOf } from '../tasks';
import {
  PUBLIC_PHASES,
  cycleIdParam,
  countyOf,
  isAssessor,
  mayReadRanking,
  isRatee,
  loadCycle,
  cycleDefinition,
} from './access';
import { cycleSchema, presentCycle, rankingRowSchema, ranking } from './presenters';

export function registerCycleRoutes(routes: ApiRoutes): void {
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
}
