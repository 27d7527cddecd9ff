import { eq, ilike, or, type Column, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../db';
import { orgUnits, type OrgUnit } from '../../../db/schema/org';
import type { Principal } from '../../auth';
import type { AppDeps } from '../../deps';
import { auditedWrite, notFound, refuse } from '../../admin';
import type { Problem } from '../../problem';
import { AUDIT_STREAM } from './schemas';

/** The API and audit view of a row: everything but the bookkeeping timestamps. */
export function view<T extends Timestamped>({ createdAt: _c, updatedAt: _u, ...rest }: T): Omit<T, keyof Timestamped> {
  return rest;
}

export function one<T>(rows: T[]): T {
  const row = rows[0];
  if (row === undefined) throw new Error('expected a row');
  return row;
}

export function must<T>(row: T | undefined, missing: () => Problem): T {
  if (row === undefined) throw missing();
  return row;
}

/** `column = value`, or no condition when the filter is absent. */
export const filterEq = (column: Column, value: unknown): SQL | undefined =>
  value === undefined ? undefined : eq(column, value);

/** Any of `columns` contains `q` (its own `%` and `_` taken literally), or no condition without `q`. */
export function filterContains(q: string | undefined, ...columns: Column[]): SQL | undefined {
  if (q === undefined) return undefined;
  const pattern = `%${q.replace(/[\\%_]/g, '\\$&')}%`;
  return or(...columns.map((c) => ilike(c, pattern)));
}

export type Timestamped = { createdAt: Date; updatedAt: Date };

/**
 * One org write through {@link auditedWrite}, audited with the before/after views of the row.
 * `write` gets the body without `reason`. Returns the view of the row written.
 */
export function adminWrite<B extends { reason?: string | undefined }, R extends Timestamped>(
  ctx: { deps: AppDeps; principal: Principal; body: B },
  action: string,
  write: (tx: Tx, fields: Omit<B, 'reason'>) => Promise<{ before: R | null; after: R }>,
): Promise<Omit<R, keyof Timestamped>> {
  const { reason, ...fields } = ctx.body;
  return auditedWrite(ctx, AUDIT_STREAM, action, reason ?? null, async (tx) => {
    const rows = await write(tx, fields);
    const after = view(rows.after);
    return { before: rows.before && view(rows.before), after, result: after };
  });
}

export async function unitById(db: Db | Tx, id: string): Promise<OrgUnit | undefined> {
  const [row] = await db.select().from(orgUnits).where(eq(orgUnits.id, id));
  return row;
}

export async function loadUnit(db: Db | Tx, id: string): Promise<OrgUnit> {
  return must(await unitById(db, id), () => notFound('org-unit-not-found', `单位不存在：${id}`, `No org unit ${id}`));
}

/** A unit named in a request body (`field`): it must exist and be active. */
export async function activeUnit(tx: Tx, id: string, field: string): Promise<OrgUnit> {
  const unit = await unitById(tx, id);
  if (!unit) throw refuse('unit-unknown', `${field} 指向的单位不存在：${id}`, `${field} names no org unit: ${id}`);
  if (!unit.active)
    throw refuse(
      'unit-inactive',
      `${field} 指向的单位「${unit.name}」已停用`,
      `${field} names an inactive unit: ${id}`,
    );
  return unit;
}
