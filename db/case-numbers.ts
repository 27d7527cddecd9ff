import { sql } from 'drizzle-orm';
import type { Db, Tx } from './index';
import { CASE_NO_PREFIX, type ProcessType } from '../domain/vocabulary';
import { caseNumberCounters } from './schema/cases';

/** Allocate the next human-readable case number for a process, e.g. `SP-2026-000123` (year in Asia/Shanghai). */
export async function allocateCaseNumber(db: Db | Tx, process: ProcessType, at: Date): Promise<string> {
  const year = new Date(at.getTime() + 8 * 3600_000).getUTCFullYear();
  const [row] = await db
    .insert(caseNumberCounters)
    .values({ process, year, last: 1 })
    .onConflictDoUpdate({
      target: [caseNumberCounters.process, caseNumberCounters.year],
      set: { last: sql`${caseNumberCounters.last} + 1` },
    })
    .returning({ last: caseNumberCounters.last });
  return `${CASE_NO_PREFIX[process]}-${year}-${String(row!.last).padStart(6, '0')}`;
}
