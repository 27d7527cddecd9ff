import { and, eq, sql } from 'drizzle-orm';
import { CASE_NO_PREFIX, type ProcessType } from '../domain/vocabulary';
import type { Db, Tx } from './index';
import { caseNumberClaims, caseNumberCounters } from './schema/cases';

/** Who allocates, when a retry must get the same numbers back: one scheduled activity of one workflow run. */
export interface CaseNumberClaim {
  workflowId: string;
  runId: string;
  activityId: string;
}

/** What to allocate: `count` (default 1) numbers of `process`, in the year of `at`. */
export interface CaseNumberRequest {
  process: ProcessType;
  at: Date;
  count?: number;
  /**
   * Keep the numbers under this key: allocating again with the same claim answers the stored
   * numbers and allocates nothing. Without it every call allocates (callers that write the numbers
   * in the same transaction, or key them themselves, as the API does with the Idempotency-Key).
   */
  claim?: CaseNumberClaim;
}

/**
 * The one allocator of human-readable case numbers, e.g. `SP-2026-000123` (year in Asia/Shanghai):
 * consecutive numbers per process and year, from one counter row (its row lock orders concurrent
 * allocations). Pass a transaction to allocate with the rows that use the numbers.
 */
export async function allocateCaseNumbers(db: Db | Tx, request: CaseNumberRequest & { count?: 1 }): Promise<[string]>;
export async function allocateCaseNumbers(db: Db | Tx, request: CaseNumberRequest): Promise<string[]>;
export async function allocateCaseNumbers(db: Db | Tx, request: CaseNumberRequest): Promise<string[]> {
  const { claim } = request;
  if (!claim) return allocate(db, request);
  return db.transaction(async (tx) => {
    // Two attempts of one activity may overlap (a heartbeat timeout retries while the first still runs).
    const key = `case-number-claim:${claim.workflowId}:${claim.runId}:${claim.activityId}`;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    const [kept] = await tx
      .select({ numbers: caseNumberClaims.numbers })
      .from(caseNumberClaims)
      .where(
        and(
          eq(caseNumberClaims.workflowId, claim.workflowId),
          eq(caseNumberClaims.runId, claim.runId),
          eq(caseNumberClaims.activityId, claim.activityId),
        ),
      );
    if (kept) return kept.numbers;
    const numbers = await allocate(tx, request);
    await tx.insert(caseNumberClaims).values({ ...claim, process: request.process, numbers });
    return numbers;
  });
}

async function allocate(db: Db | Tx, { process, at, count = 1 }: CaseNumberRequest): Promise<string[]> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`cannot allocate ${count} case numbers`);
  if (count === 0) return [];
  const year = new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
  const [row] = await db
    .insert(caseNumberCounters)
    .values({ process, year, last: count })
    .onConflictDoUpdate({
      target: [caseNumberCounters.process, caseNumberCounters.year],
      set: { last: sql`${caseNumberCounters.last} + ${count}` },
    })
    .returning({ last: caseNumberCounters.last });
  const first = row!.last - count + 1;
  return Array.from(
    { length: count },
    (_, i) => `${CASE_NO_PREFIX[process]}-${year}-${String(first + i).padStart(6, '0')}`,
  );
}
