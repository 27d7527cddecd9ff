import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import { cases, caseUnits, notices } from '../../../db/schema/cases';
import { NOTICE_KINDS } from '../../../domain/vocabulary';
import { orgUnits } from '../../../db/schema/org';
import type { Principal } from '../../auth';
import { isWithin, SUBTREE_ROLES } from '../../authz';
import type { Db } from '../../../db';
import { builtOnce } from '../../../db/prepared';
import { findUnit } from '../../../db/units';
import type { AppDeps } from '../../deps';
import { Problem } from '../../problem';
import { processSchema } from '../../schemas';
import { z } from '../../zod';
import { timeStage } from '../../../runtime/stage-timing';

/** SQL: a unit id the caller may see (their unit, or their subtree for supervising roles). */
export function unitVisibleTo(principal: Principal, unitId: SQL | typeof notices.unitId): SQL {
  if (!SUBTREE_ROLES.includes(principal.role)) return sql`${unitId} = ${principal.unitId}`;
  return sql`exists (select 1 from ${orgUnits} where ${orgUnits.id} = ${unitId}
    and (${orgUnits.path} = ${principal.unitPath} or ${orgUnits.path} like ${`${principal.unitPath}/%`}))`;
}

export const noticeSchema = z
  .object({
    id: z.number().int(),
    caseId: z.string(),
    kind: z.enum(NOTICE_KINDS),
    unitId: z.string(),
    recipientUserId: z.string().nullable(),
    message: z.string(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
    caseTitle: z.string().nullable(),
    process: processSchema.nullable(),
    unitName: z.string().nullable(),
  })
  .openapi('Notice');

/** SQL: a notice addressed to the caller: to its unit, or to it by name (a unit's leader). */
export function addressedTo(principal: Principal): SQL {
  return or(eq(notices.unitId, principal.unitId), eq(notices.recipientUserId, principal.userId))!;
}

/** Which cases a caller sees: every case (the county's supervisors), its own unit's, or its subtree's. */
type CaseScope = 'all' | 'unit' | 'subtree';
function caseScopeOf(principal: Principal): CaseScope {
  // The county's supervisors see every case: skip the per-case unit check (it dominates county-wide lists).
  if (SUBTREE_ROLES.includes(principal.role) && principal.unitIsSoleRoot) return 'all';
  return SUBTREE_ROLES.includes(principal.role) ? 'subtree' : 'unit';
}
/** The caller's unit as the visibility condition uses it: values, or placeholders of a statement built once. */
interface Viewer {
  unitId: unknown;
  unitPath: unknown;
  /** `unitPath` followed by `/%`: the units below it. */
  below: unknown;
}
const viewerOf = (p: Principal): Viewer => ({ unitId: p.unitId, unitPath: p.unitPath, below: `${p.unitPath}/%` });

function visibleIn(scope: CaseScope, viewer: Viewer): SQL {
  if (scope === 'all') return sql`true`;
  // A unit's own role needs no org_units join: with it the planner chose parallel plans whose start
  // alone cost 20–80 ms on a loaded box for a handler's overdue list (7 ms without).
  if (scope === 'unit')
    return sql`exists (select 1 from ${caseUnits} where ${caseUnits.caseId} = ${cases.id} and ${caseUnits.unitId} = ${viewer.unitId})`;
  return sql`exists (select 1 from ${caseUnits} join ${orgUnits} on ${orgUnits.id} = ${caseUnits.unitId}
    where ${caseUnits.caseId} = ${cases.id} and (${caseUnits.unitId} = ${viewer.unitId}
      or ${orgUnits.path} = ${viewer.unitPath} or ${orgUnits.path} like ${viewer.below}))`;
}

/** SQL: the caller may see this case (its unit is involved, or lies in the caller's subtree). */
export function caseVisibleTo(principal: Principal): SQL {
  return visibleIn(caseScopeOf(principal), viewerOf(principal));
}

/** One case by id if the caller's scope lets it see it: a statement per scope, built once. */
const prepareCaseLookup = (db: Db, scope: CaseScope) =>
  db
    .select()
    .from(cases)
    .where(
      and(
        eq(cases.id, sql.placeholder('id')),
        visibleIn(scope, {
          unitId: sql.placeholder('unitId'),
          unitPath: sql.placeholder('unitPath'),
          below: sql.placeholder('below'),
        }),
      ),
    )
    .prepare(`case_lookup_${scope}`);
const caseLookup: Record<CaseScope, (db: Db) => ReturnType<typeof prepareCaseLookup>> = {
  all: builtOnce((db) => prepareCaseLookup(db, 'all')),
  unit: builtOnce((db) => prepareCaseLookup(db, 'unit')),
  subtree: builtOnce((db) => prepareCaseLookup(db, 'subtree')),
};

export function envelope(row: typeof cases.$inferSelect, now: Date) {
  return {
    id: row.id,
    process: row.process,
    title: row.title,
    status: row.status,
    currentStep: row.currentStep,
    level: row.level,
    unitId: row.unitId,
    ownerUnitId: row.ownerUnitId,
    colour: row.colour,
    deadline: row.deadline?.toISOString() ?? null,
    caseDeadline: row.caseDeadline?.toISOString() ?? null,
    stepDeadline: row.stepDeadline?.toISOString() ?? null,
    clockKind: row.clockKind,
    overdue: !row.closedAt && !!row.deadline && row.deadline < now,
    calendarWarnings: row.calendarWarnings,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/** Load a case the caller may see, or throw 404 (a case in another unit is not revealed). */
export async function loadVisibleCase(deps: AppDeps, principal: Principal, id: string) {
  const [row] = await timeStage('api.case-lookup', () =>
    caseLookup[caseScopeOf(principal)](deps.database.db).execute({ id, ...viewerOf(principal) }),
  );
  if (!row)
    throw new Problem(
      'notFound',
      { zh: `案件不存在或无权查看：${id}`, en: `No case ${id}, or you may not see it` },
      { code: 'case-not-found' },
    );
  return row;
}

/**
 * Whether the caller may 督办 this case as its supervisor (DOMAIN §3, issue 15): a supervisor whose
 * subtree holds the responsible unit, on an open case past its deadline. Workflows take the API's
 * word for it (`oversight` on the action input), as they do for the caller's identity.
 */
export async function overseesOverdueCase(
  deps: AppDeps,
  principal: Principal,
  row: typeof cases.$inferSelect,
): Promise<boolean> {
  if (principal.role !== 'supervisor' || row.closedAt || !row.deadline || row.deadline.getTime() >= Date.now())
    return false;
  const unit = await findUnit(deps.database.db, row.unitId);
  return !!unit && isWithin(unit.path, principal.unitPath);
}
