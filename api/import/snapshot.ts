import { asc } from 'drizzle-orm';
import type { Db, Tx } from '../../db';
import { orgUnits, powerListItems, users, type OrgUnit, type PowerListItem, type User } from '../../db/schema/org';
import type { ImportReport } from './templates';

// The database as an import plan sees it, and the writes a plan makes.

export interface Snapshot {
  units: Map<string, OrgUnit>;
  users: Map<string, User>;
  powers: Map<string, PowerListItem>;
}

export const powerKey = (unitId: string, code: string) => `${unitId}/${code}`;

export async function snapshot(db: Db | Tx): Promise<Snapshot> {
  const [u, s, p] = await Promise.all([
    db.select().from(orgUnits).orderBy(asc(orgUnits.path)),
    db.select().from(users).orderBy(asc(users.username)),
    db.select().from(powerListItems).orderBy(asc(powerListItems.unitId), asc(powerListItems.code)),
  ]);
  return {
    units: new Map(u.map((x) => [x.id, x])),
    users: new Map(s.map((x) => [x.id, x])),
    powers: new Map(p.map((x) => [powerKey(x.unitId, x.code), x])),
  };
}

/** One write the plan makes: an insert (`before` null) or an update of `fields`. */
export interface Write<T> {
  key: string;
  before: T | null;
  values: Partial<T>;
  fields: string[];
}

export interface Plan {
  report: ImportReport;
  units: Write<OrgUnit>[];
  users: Write<User>[];
  leaders: Write<OrgUnit>[];
  powers: Write<PowerListItem>[];
}

/** The fields of `next` that differ from `before` (all of them for a new record). */
export function diff<T extends object>(before: T | undefined, next: Partial<T>): string[] {
  return Object.entries(next)
    .filter(([k, v]) => !before || (before as Record<string, unknown>)[k] !== v)
    .map(([k]) => k);
}
