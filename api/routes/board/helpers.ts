import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db';
import { caseAssignments } from '../../../db/schema/cases';
import type { ClockLevel } from '../../../domain/vocabulary';
import { inSubtree, orgUnits } from '../../../db/schema/org';
import type { Principal } from '../../auth';
import { DAY_MS, SHANGHAI_MS, type Counts } from './schemas';

export const emptyCounts = (): Counts => ({ green: 0, blue: 0, yellow: 0, red: 0, total: 0 });

export const addCount = (counts: Counts, colour: ClockLevel, n: number) => {
  counts[colour] += n;
  counts.total += n;
};

export const rate = (n: number, d: number) => (d === 0 ? null : n / d);

/** Day keys `YYYY-MM-DD` (Beijing time) from `from` to today. */
export function dayKeys(from: Date, now: Date): string[] {
  const keys: string[] = [];
  for (let t = from.getTime(); t <= now.getTime(); t += DAY_MS)
    keys.push(new Date(t + SHANGHAI_MS).toISOString().slice(0, 10));
  return keys;
}

/** Midnight (Beijing time) `days - 1` days before today: the start of the trend period. */
export function periodStart(now: Date, days: number): Date {
  const today = Math.floor((now.getTime() + SHANGHAI_MS) / DAY_MS) * DAY_MS - SHANGHAI_MS;
  return new Date(today - (days - 1) * DAY_MS);
}

/** The units below `focus` (itself included), and whether that is every unit there is (no filter needed). */
export async function subtreeOf(db: Db, focusPath: string) {
  const rows = await db
    .select({
      id: orgUnits.id,
      parentId: orgUnits.parentId,
      path: orgUnits.path,
      everything: sql<number>`(select count(*) from ${orgUnits})::int`,
    })
    .from(orgUnits)
    .where(inSubtree(focusPath));
  return { units: rows, everything: rows.length > 0 && rows.length === rows[0]!.everything };
}

/** Which of `caseIds` someone may urge now (a 督办 has a recipient). */
export async function urgeable(db: Db, caseIds: string[]): Promise<string[]> {
  if (caseIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ caseId: caseAssignments.caseId })
    .from(caseAssignments)
    .where(and(inArray(caseAssignments.caseId, caseIds), sql`${caseAssignments.actions} @> '["urge"]'::jsonb`));
  return rows.map((r) => r.caseId);
}

/** The actions the caller holds now on each of `caseIds` (named, or by role in their unit): as the inbox reads them. */
export async function myActionsOn(db: Db, principal: Principal, caseIds: string[]): Promise<Map<string, string[]>> {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .select({ caseId: caseAssignments.caseId, actions: caseAssignments.actions })
    .from(caseAssignments)
    .where(
      and(
        inArray(caseAssignments.caseId, caseIds),
        or(
          eq(caseAssignments.userId, principal.userId),
          and(
            eq(caseAssignments.userId, ''),
            eq(caseAssignments.unitId, principal.unitId),
            eq(caseAssignments.role, principal.role),
          ),
        ),
      ),
    );
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.caseId, [...new Set([...(out.get(r.caseId) ?? []), ...r.actions])]);
  return out;
}
