import { sql } from 'drizzle-orm';
import type { Db } from '../db';
import { incidentFacts } from '../db/schema/incident';
import type { IncidentFactsRecord } from '../workflows/incident/definitions';

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * Upsert the statistics facts of one incident. Idempotent on the workflow's sequence: a retried or
 * older record changes nothing.
 */
export async function recordIncidentFacts(db: Db, f: IncidentFactsRecord): Promise<{ applied: boolean }> {
  const row = {
    ...f,
    reportedAt: new Date(f.reportedAt),
    resolvedAt: toDate(f.resolvedAt),
    closedAt: toDate(f.closedAt),
  };
  const { caseId: _id, ...changes } = row;
  const written = await db
    .insert(incidentFacts)
    .values(row)
    .onConflictDoUpdate({ target: incidentFacts.caseId, set: changes, setWhere: sql`${incidentFacts.seq} < ${f.seq}` })
    .returning({ seq: incidentFacts.seq });
  return { applied: written.length > 0 };
}
