import { eq, inArray } from 'drizzle-orm';
import type { Db } from './index';
import { orgUnits, PATH_SEPARATOR, type OrgUnit } from './schema/org';

/** One org unit by id, or null. */
export async function findUnit(db: Db, id: string): Promise<OrgUnit | null> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  return row ?? null;
}

/** The calendar region of a unit: its own region code, else its nearest ancestor's, else none. */
export async function calendarRegionOf(db: Db, unit: OrgUnit): Promise<string | undefined> {
  if (unit.regionCode) return unit.regionCode;
  const ancestors = unit.path.split(PATH_SEPARATOR).slice(0, -1);
  if (ancestors.length === 0) return undefined;
  const rows = await db
    .select({ id: orgUnits.id, regionCode: orgUnits.regionCode })
    .from(orgUnits)
    .where(inArray(orgUnits.id, ancestors));
  const byId = new Map(rows.map((r) => [r.id, r.regionCode]));
  return ancestors
    .reverse()
    .map((id) => byId.get(id))
    .find((code): code is string => !!code);
}
