import { type cycleAppeals, findCycle, loadScheme } from '../../../db/assessment';
import type { assessmentRatees } from '../../../db/schema/assessment';
import type { SchemeDefinition } from '../../../domain/assessment';
import { appealSchema, indicatorLineSchema, sideLineSchema } from '../../../workflows/assessment/contract';
import {
  assessmentActionUpdate,
  type AssessmentAction,
  type AssessmentPhase,
  type AssessmentView,
} from '../../../workflows/assessment/definitions';
import { notFound } from '../../admin';
import type { Principal } from '../../auth';
import { isWithin } from '../../authz';
import type { AppDeps } from '../../deps';
import { Problem } from '../../problem';
import { actOnCase } from '../../temporal';
import { z } from '../../zod';
import { actorOf } from '../tasks';

export const PUBLIC_PHASES: readonly AssessmentPhase[] = ['published', 'final'];

export const cycleIdParam = z.strictObject({ id: z.string().min(1).max(100) });

/** An appeal as stored with its cycle (instants as ISO strings). */
export const appealRowSchema = appealSchema.extend({ caseId: z.string() }).openapi('AssessmentAppeal');

/** One ratee's result as stored: total, grade, rank, sides and indicator lines. */
export const rateeResultSchema = z
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

export type AppealRow = Awaited<ReturnType<typeof cycleAppeals>>[number];

export const presentAppeal = (a: AppealRow): z.infer<typeof appealRowSchema> => ({
  ...a,
  filedAt: a.filedAt.toISOString(),
  decidedAt: a.decidedAt?.toISOString() ?? null,
});

export type Cycle = NonNullable<Awaited<ReturnType<typeof findCycle>>>;

export type RateeRow = typeof assessmentRatees.$inferSelect;

export const countyOf = (path: string) => path.split('/')[0]!;

/** Assessors (and admins) of the organising unit or above see and run everything in a cycle. */
export function isAssessor(p: Principal, c: Cycle): boolean {
  return (p.role === 'assessor' || p.role === 'admin') && isWithin(c.ownerPath, p.unitPath);
}

/** Published and final rankings are visible county-wide; before that, to assessors only. */
export function mayReadRanking(p: Principal, c: Cycle): boolean {
  return isAssessor(p, c) || (PUBLIC_PHASES.includes(c.cycle.phase) && countyOf(p.unitPath) === countyOf(c.ownerPath));
}

/** The caller is this ratee: the user itself, or a user of the ratee unit. */
export function isRatee(p: Principal, r: RateeRow): boolean {
  return r.rateeType === 'user' ? p.userId === r.rateeId : p.unitId === r.unitId;
}

export function mayReadBreakdown(p: Principal, c: Cycle, r: RateeRow): boolean {
  return isAssessor(p, c) || (PUBLIC_PHASES.includes(c.cycle.phase) && isRatee(p, r));
}

export const forbidden = (zh: string, en: string) =>
  new Problem('forbidden', { zh, en }, { code: 'assessment-forbidden' });

export async function loadCycle(deps: AppDeps, id: string): Promise<Cycle> {
  const c = await findCycle(deps.database.db, id);
  if (!c) throw notFound('cycle-not-found', `考核不存在：${id}`, `No assessment cycle ${id}`);
  return c;
}

export async function cycleDefinition(deps: AppDeps, c: Cycle): Promise<SchemeDefinition> {
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
export async function act(
  deps: AppDeps,
  principal: Principal,
  id: string,
  action: AssessmentAction,
): Promise<AssessmentView> {
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
