import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { summonsDepartments, summonsDisputes, summonsFacts, summonsMisses } from '../db/schema/summons';
import type { PartFactsRecord, SummonsFactsRecord } from '../workflows/summons/definitions';

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/** Upsert the facts of one whistle. Idempotent on the workflow's sequence: a retried or older record changes nothing. */
export async function recordSummonsFacts(db: Db, f: SummonsFactsRecord): Promise<{ applied: boolean }> {
  const row = {
    ...f,
    whistledAt: new Date(f.whistledAt),
    approvedAt: toDate(f.approvedAt),
    rejectedAt: toDate(f.rejectedAt),
    closedAt: toDate(f.closedAt),
  };
  const { caseId: _id, ...changes } = row;
  const written = await db
    .insert(summonsFacts)
    .values(row)
    .onConflictDoUpdate({ target: summonsFacts.caseId, set: changes, setWhere: sql`${summonsFacts.seq} < ${f.seq}` })
    .returning({ seq: summonsFacts.seq });
  return { applied: written.length > 0 };
}

/**
 * Upsert the facts of one summoned unit's part with its misses and disputes, in one transaction.
 * Idempotent on the workflow's sequence: a retried or older record changes nothing.
 */
export async function recordSummonsPartFacts(db: Db, f: PartFactsRecord): Promise<{ applied: boolean }> {
  const { misses, disputes, ...facts } = f;
  const row = {
    ...facts,
    notifiedAt: new Date(f.notifiedAt),
    ackDeadline: toDate(f.ackDeadline),
    acknowledgedAt: toDate(f.acknowledgedAt),
    onSiteAt: toDate(f.onSiteAt),
    resultDeadline: toDate(f.resultDeadline),
    resultReportedAt: toDate(f.resultReportedAt),
    acceptedAt: toDate(f.acceptedAt),
    redCardAt: toDate(f.redCardAt),
    ratedAt: toDate(f.ratedAt),
    endedAt: toDate(f.endedAt),
    missCount: misses.length,
    disputeCount: disputes.length,
  };
  const { caseId, ...changes } = row;
  return db.transaction(async (tx) => {
    const written = await tx
      .insert(summonsDepartments)
      .values(row)
      .onConflictDoUpdate({
        target: summonsDepartments.caseId,
        set: changes,
        setWhere: sql`${summonsDepartments.seq} < ${f.seq}`,
      })
      .returning({ seq: summonsDepartments.seq });
    if (written.length === 0) return { applied: false };
    await tx.delete(summonsMisses).where(eq(summonsMisses.caseId, caseId));
    await tx.delete(summonsDisputes).where(eq(summonsDisputes.caseId, caseId));
    if (misses.length) {
      await tx.insert(summonsMisses).values(
        misses.map((m) => ({
          caseId,
          unitId: f.unitId,
          ordinal: m.ordinal,
          kind: m.kind,
          deadline: new Date(m.deadline),
          at: new Date(m.at),
          redCard: m.redCard,
        })),
      );
    }
    if (disputes.length) {
      await tx.insert(summonsDisputes).values(
        disputes.map((d) => ({
          caseId,
          unitId: f.unitId,
          ordinal: d.ordinal,
          reason: d.reason,
          raisedBy: d.raisedBy,
          raisedAt: new Date(d.raisedAt),
          ruling: d.ruling,
          ruledBy: d.ruledBy,
          ruledAt: toDate(d.ruledAt),
          ruleNote: d.ruleNote,
          resummonedUnitId: d.resummonedUnitId,
          disputedMs: d.disputedMs,
        })),
      );
    }
    return { applied: true };
  });
}
