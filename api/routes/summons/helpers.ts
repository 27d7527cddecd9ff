import { and, asc, eq, isNull } from 'drizzle-orm';
import { loadIncidentSettings } from '../../../db/incident';
import { cases } from '../../../db/schema/cases';
import type { OrgUnit } from '../../../db/schema/org';
import { summonsDepartments } from '../../../db/schema/summons';
import type { WhistleViolation } from '../../../domain/summons';
import { partCaseId, summonsPartCase, type PartView, type SummonsView } from '../../../workflows/summons/definitions';
import { notFound, refuse } from '../../admin';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import { Problem } from '../../problem';
import { ENGINE_ANSWER_TIMEOUT_MS, withEngineDeadline, withTemporal } from '../../temporal';
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

/**
 * A re-summoned part is started by the summons once the disputed part has ended: wait (briefly)
 * until it exists and is open, so the ruling's answer can show it.
 */
export async function resummonedPart(deps: AppDeps, caseId: string): Promise<PartView | null> {
  for (let i = 0; i < 50; i += 1) {
    try {
      return await deps.temporal.workflow.getHandle(caseId).executeUpdate(summonsPartCase.opened);
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return null;
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

/** The stored parts of a whistle: every unit's, or only `unitId`'s. */
export async function departmentsOf(deps: AppDeps, summonsId: string, unitId?: string) {
  const rows = await deps.database.db
    .select()
    .from(summonsDepartments)
    .where(
      and(
        eq(summonsDepartments.summonsId, summonsId),
        unitId === undefined ? undefined : eq(summonsDepartments.unitId, unitId),
      ),
    )
    .orderBy(asc(summonsDepartments.notifiedAt), asc(summonsDepartments.caseId));
  return rows.map(
    (r) =>
      Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])) as Jsonified<
        typeof r
      >,
  );
}

/**
 * Close a whistle. A part writes its end before the whistle's workflow takes in its result, which
 * arrives in the whistle's next workflow task (later still while the engine catches up after an
 * outage, or while the whistle is busy writing), and the engine checks an action before it applies
 * results that came with it. So for a moment the records show every part ended while the whistle
 * still counts one open. A close refused in that moment is tried again until the whistle has caught
 * up (no new try once the engine's answer deadline has passed since the first); one refused for a
 * part the records also show open is answered at once.
 */
export async function closeWhenPartsEnded<T>(deps: AppDeps, summonsId: string, close: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + ENGINE_ANSWER_TIMEOUT_MS;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await close();
    } catch (err) {
      if (!(err instanceof Problem) || err.extra.code !== 'summons-parts-open' || Date.now() >= giveUpAt) throw err;
      const open = await deps.database.db
        .select({ caseId: summonsDepartments.caseId })
        .from(summonsDepartments)
        .where(and(eq(summonsDepartments.summonsId, summonsId), isNull(summonsDepartments.endedAt)))
        .limit(1);
      if (open.length > 0) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
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
  const departments = await departmentsOf(deps, id, principal.unitId);
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
