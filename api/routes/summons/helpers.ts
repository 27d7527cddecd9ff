import { and, asc, eq } from 'drizzle-orm';
import { loadIncidentSettings } from '../../../db/incident';
import { cases } from '../../../db/schema/cases';
import type { OrgUnit } from '../../../db/schema/org';
import { summonsDepartments } from '../../../db/schema/summons';
import type { WhistleViolation } from '../../../domain/summons';
import { partCaseId, summonsPartCase, type SummonsView } from '../../../workflows/summons/definitions';
import { notFound, refuse } from '../../admin';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import { Problem } from '../../problem';
import { withEngineDeadline, withTemporal } from '../../temporal';
import { loadVisibleCase } from '../cases';

export const TOWNSHIP_KINDS: readonly OrgUnit['kind'][] = ['township', 'street'];

export function whistleRefusal(v: WhistleViolation): Problem {
  return refuse(v.code, v.zh, v.en, { ruleCode: v.ruleCode });
}

/** The county command centre (arbiter of disputes) acts countywide: its scope is its parent's subtree. */
export async function scopeOf(deps: AppDeps, principal: Principal): Promise<string> {
  const settings = await loadIncidentSettings(deps.database.db);
  if (principal.unitId !== settings.commandCentreUnitId) return principal.unitPath;
  return principal.unitPath.split('/').slice(0, -1).join('/') || principal.unitPath;
}

/** An L3 incident of the caller's township that may blow the whistle now, or the refusal. */
export async function whistlingIncident(deps: AppDeps, principal: Principal, incidentId: string) {
  const row = await loadVisibleCase(deps, principal, incidentId);
  if (row.process !== 'incident')
    throw notFound('case-not-found', `不是事件：${incidentId}`, `${incidentId} is not an incident`);
  if (row.level !== 3 || row.ownerUnitId !== principal.unitId) {
    throw refuse(
      'whistle-level',
      '只有本乡镇（街道）在三级处置的事件才能吹哨',
      'Only an event at L3 in your own township can blow the whistle',
    );
  }
  if (row.status !== 'dispatched' && row.status !== 'handling') {
    throw new Problem(
      'conflict',
      {
        zh: `事件当前状态为“${row.currentStep ?? row.status}”，不能吹哨`,
        en: `The incident is ${row.status}; it cannot blow the whistle now`,
      },
      { code: 'wrong-state' },
    );
  }
  const category = (row.data as { category?: { code?: string } }).category?.code ?? null;
  return { row, category };
}

/** Wait until each part has its opening transition in PostgreSQL, so callers (and liaisons) read it at once. */
export async function partsOpened(deps: AppDeps, caseIds: readonly string[]): Promise<void> {
  await Promise.all(
    caseIds.map((id) =>
      withTemporal(id, () =>
        withEngineDeadline(deps.temporal, () =>
          deps.temporal.workflow.getHandle(id).executeUpdate(summonsPartCase.opened),
        ),
      ),
    ),
  );
}

/** A finished case takes no more actions: a 409 saying so, rather than the engine's "not found". */
export function requireOpen(row: { id: string; closedAt: Date | null; currentStep: string | null }): void {
  if (row.closedAt)
    throw new Problem(
      'conflict',
      {
        zh: `案件已结束（${row.currentStep ?? ''}），不能再办理：${row.id}`,
        en: `Case ${row.id} has ended; no more actions`,
      },
      { code: 'case-closed' },
    );
}

/** A row as JSON carries it: instants become ISO strings. */
export type Jsonified<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};

/**
 * The stored parts of a whistle: every unit's, or only `unitId`'s. `order`, the whistle's own list
 * of its parts (its view's `parts`), puts them in the order the township summoned them — the parts
 * of one approval start in the same workflow task, so their notification instants tie or fall in
 * whichever order the server ran the starts. Parts it does not name (none, unless read between a
 * part's start and the whistle's view) and the lists without it follow their notification instant.
 */
export async function departmentsOf(
  deps: AppDeps,
  summonsId: string,
  { unitId, order }: { unitId?: string; order?: readonly string[] } = {},
) {
  const position = (caseId: string) => {
    const i = order?.indexOf(caseId) ?? -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  const rows = (
    await deps.database.db
      .select()
      .from(summonsDepartments)
      .where(
        and(
          eq(summonsDepartments.summonsId, summonsId),
          unitId === undefined ? undefined : eq(summonsDepartments.unitId, unitId),
        ),
      )
      .orderBy(asc(summonsDepartments.notifiedAt), asc(summonsDepartments.caseId))
  ).sort((a, b) => position(a.caseId) - position(b.caseId));
  return rows.map(
    (r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as Jsonified<
        typeof r
      >,
  );
}

export async function loadWhistle(deps: AppDeps, principal: Principal, id: string) {
  const row = await loadVisibleCase(deps, principal, id);
  if (row.process !== 'summons' || (row.data as { kind?: string }).kind !== 'summons')
    throw notFound('case-not-found', `不是吹哨：${id}`, `${id} is not a whistle`);
  return row;
}

/**
 * What a summoned unit sees of a whistle addressed to it (it is not among the whistle's units, so
 * `loadWhistle` does not reveal it): the public part — title, description, reason, urgency,
 * township, status — and its own part, never the other units' parts, the approval or the history.
 * Null when the caller's unit has no part in this whistle.
 */
export async function whistleForSummonedUnit(deps: AppDeps, principal: Principal, id: string) {
  const departments = await departmentsOf(deps, id, { unitId: principal.unitId });
  if (departments.length === 0) return null;
  const [row] = await deps.database.db.select().from(cases).where(eq(cases.id, id));
  if (!row || row.process !== 'summons' || (row.data as { kind?: string }).kind !== 'summons') return null;
  const v = row.data as unknown as SummonsView;
  return {
    caseId: v.caseId,
    status: v.status,
    statusLabel: v.statusLabel,
    title: v.title,
    description: v.description,
    reason: v.reason,
    urgency: v.urgency,
    complexity: v.complexity,
    keyTask: v.keyTask,
    townshipId: v.townshipId,
    incidentId: v.incidentId,
    closedAt: v.closedAt,
    parts: v.parts.filter((p) => p.unit.unitId === principal.unitId),
    departments,
  };
}

export async function loadPart(deps: AppDeps, principal: Principal, summonsId: string, unitId: string) {
  const id = partCaseId(summonsId, unitId);
  const row = await loadVisibleCase(deps, principal, id);
  if (row.process !== 'summons' || (row.data as { kind?: string }).kind !== 'summons-part')
    throw notFound('case-not-found', `不是部门报到：${id}`, `${id} is not a summons part`);
  return row;
}
