import { count } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import type { Db } from '../db';

/**
 * A list's `total` counted only so far (every matching case of a county would cost 100 ms a
 * request): up to `cap`, or to the end of the page asked for when that lies further, so the page
 * after it is known to exist or not. Past that, `total` is the limit and `totalIsLowerBound` true.
 */
export async function cappedCount(
  db: Db,
  matching: PgSelect,
  at: { cap: number; page: number; pageSize: number },
): Promise<{ total: number; totalIsLowerBound: boolean }> {
  const limit = Math.max(at.cap, at.page * at.pageSize);
  const [counted] = await db.select({ n: count() }).from(matching.limit(limit + 1).as('matched'));
  const n = counted?.n ?? 0;
  return n > limit ? { total: limit, totalIsLowerBound: true } : { total: n, totalIsLowerBound: false };
}
