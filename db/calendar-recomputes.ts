import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt, gte, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from './index';
import { calendarRecomputes, type CalendarRecompute } from './schema/calendar';
import { caseClocks, cases } from './schema/cases';

type Reader = Db | Tx;

/** Record a calendar change whose recompute is still to be carried out; inside the change's transaction. */
export async function queueCalendarRecompute(
  tx: Tx,
  change: { action: string; region: string; requestedBy: string },
): Promise<CalendarRecompute> {
  const [row] = await tx
    .insert(calendarRecomputes)
    .values({ id: randomUUID(), ...change })
    .returning();
  if (!row) throw new Error('insert returned no row');
  return row;
}

export async function findCalendarRecompute(db: Reader, id: string): Promise<CalendarRecompute | undefined> {
  const [row] = await db.select().from(calendarRecomputes).where(eq(calendarRecomputes.id, id));
  return row;
}

/** Whether a calendar change waits for a walk that begins after it. */
export async function calendarRecomputePending(db: Reader): Promise<boolean> {
  const [row] = await db
    .select({ id: calendarRecomputes.id })
    .from(calendarRecomputes)
    .where(eq(calendarRecomputes.status, 'pending'))
    .limit(1);
  return row !== undefined;
}

/** A walk over the live cases that tells each one to recompute, begun after every change it covers was committed. */
export interface CalendarWalk {
  walkId: string;
  /** When the walk began (ISO): every change it covers was committed before. */
  startedAt: string;
  /** Live cases when it began. */
  total: number;
  /** The changes it covers. */
  recomputeIds: string[];
}

/**
 * Begin walk `walkId` if a change is pending: it takes over every change not yet done (the pending
 * ones and those of a walk it supersedes) and restarts their progress. Null when nothing is
 * pending: the current walk, if any, already covers every change. Idempotent per `walkId`.
 */
export async function claimCalendarRecomputes(db: Db, walkId: string): Promise<CalendarWalk | null> {
  return db.transaction(async (tx) => {
    const mine = await tx.select().from(calendarRecomputes).where(eq(calendarRecomputes.walkId, walkId));
    if (mine.length > 0) {
      // A retry of a claim that committed: answer as the first attempt did.
      return {
        walkId,
        startedAt: mine[0]!.startedAt!.toISOString(),
        total: mine[0]!.total ?? 0,
        recomputeIds: mine.map((r) => r.id),
      };
    }
    // Serialise claims with each other (there is one fan-out workflow, but a retried activity may overlap its first attempt).
    await tx.execute(sql`lock table ${calendarRecomputes} in share row exclusive mode`);
    if (!(await calendarRecomputePending(tx))) return null;
    const [live] = await tx.select({ n: count() }).from(cases).where(isNull(cases.closedAt));
    const startedAt = new Date();
    const rows = await tx
      .update(calendarRecomputes)
      .set({
        status: 'running',
        walkId,
        walks: sql`${calendarRecomputes.walks} + 1`,
        total: live?.n ?? 0,
        done: 0,
        closed: 0,
        cursor: null,
        startedAt,
      })
      .where(inArray(calendarRecomputes.status, ['pending', 'running']))
      .returning({ id: calendarRecomputes.id });
    return { walkId, startedAt: startedAt.toISOString(), total: live?.n ?? 0, recomputeIds: rows.map((r) => r.id) };
  });
}

/** The next page of live case ids after `after` (keyset on id), optionally only those created since `createdSince`. */
export async function liveCasePage(
  db: Reader,
  after: string | null,
  limit: number,
  createdSince?: Date,
): Promise<string[]> {
  const rows = await db
    .select({ id: cases.id })
    .from(cases)
    .where(
      and(
        isNull(cases.closedAt),
        after === null ? undefined : gt(cases.id, after),
        createdSince ? gte(cases.createdAt, createdSince) : undefined,
      ),
    )
    .orderBy(asc(cases.id))
    .limit(limit);
  return rows.map((r) => r.id);
}

/**
 * Count one page of the walk into its changes' progress. Idempotent: only when the walk's cursor
 * still stands where the page began, so a retried page is counted once.
 */
export async function recordCalendarRecomputePage(
  db: Db,
  walkId: string,
  page: { after: string | null; last: string; done: number; closed: number },
): Promise<void> {
  await db
    .update(calendarRecomputes)
    .set({
      done: sql`${calendarRecomputes.done} + ${page.done}`,
      closed: sql`${calendarRecomputes.closed} + ${page.closed}`,
      cursor: page.last,
    })
    .where(
      and(
        eq(calendarRecomputes.walkId, walkId),
        eq(calendarRecomputes.status, 'running'),
        sql`${calendarRecomputes.cursor} is not distinct from ${page.after}`,
      ),
    );
}

/** Count signals that failed (and will be retried) into the walk's changes, with the last error. */
export async function recordCalendarRecomputeFailures(
  db: Db,
  walkId: string,
  failures: number,
  error: string,
): Promise<void> {
  await db
    .update(calendarRecomputes)
    .set({ failures: sql`${calendarRecomputes.failures} + ${failures}`, lastError: error.slice(0, 1000) })
    .where(and(eq(calendarRecomputes.walkId, walkId), eq(calendarRecomputes.status, 'running')));
}

/**
 * Mark the walk's changes done, unless a change is pending (then the caller claims it and walks
 * again, so `pending` is true and nothing is marked). Idempotent. A change committed after the
 * check stays pending, and its own signal starts or wakes the fan-out again.
 */
export async function finishCalendarRecomputes(db: Db, walkId: string): Promise<{ pending: boolean }> {
  if (await calendarRecomputePending(db)) return { pending: true };
  await db
    .update(calendarRecomputes)
    .set({ status: 'done', finishedAt: new Date() })
    .where(and(eq(calendarRecomputes.walkId, walkId), eq(calendarRecomputes.status, 'running')));
  return { pending: false };
}

/**
 * Live cases whose deadlines depend on a calendar year: a clock (or the case's own deadline) whose
 * span from the case's opening to its deadline reaches into the year, or a clock without a
 * deadline (paused, or not computable), which may still count any day after the opening.
 * The first `limit` case ids and how many there are.
 */
export async function casesDependingOnYear(
  db: Reader,
  year: number,
  limit = 10,
): Promise<{ count: number; caseIds: string[] }> {
  const yearStart = new Date(`${year}-01-01T00:00:00+08:00`);
  const yearEnd = new Date(`${year + 1}-01-01T00:00:00+08:00`);
  const depends = and(
    isNull(cases.closedAt),
    sql`${cases.createdAt} < ${yearEnd}`,
    sql`(${cases.deadline} > ${yearStart} or exists (
      select 1 from ${caseClocks} where ${caseClocks.caseId} = ${cases.id} and (${caseClocks.deadline} is null or ${caseClocks.deadline} > ${yearStart})))`,
  );
  const [[total], ids] = await Promise.all([
    db.select({ n: count() }).from(cases).where(depends),
    db.select({ id: cases.id }).from(cases).where(depends).orderBy(asc(cases.id)).limit(limit),
  ]);
  return { count: total?.n ?? 0, caseIds: ids.map((r) => r.id) };
}
