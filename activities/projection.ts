import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { appendAudit, lockStream, type AuditWrite } from '../db/audit';
import type { AuditKey } from '../domain/audit-chain';
import { attachments, caseAssignments, caseClocks, cases, caseUnits } from '../db/schema';
import { attachmentsOf } from '../workflows/shared/attachments';
import type { TransitionRecord } from '../workflows/shared/case-snapshot';

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * Write one transition: its audit entry (signed with `key`) and the new envelope, in one
 * transaction. Idempotent on (case id, sequence): a retried or replayed record changes nothing.
 * Answers the entry's sequence and hash, which the workflow keeps as its audit anchor.
 */
export async function recordTransition(db: Db, record: TransitionRecord, key?: AuditKey): Promise<AuditWrite> {
  const s = record.snapshot;
  return db.transaction(async (tx) => {
    await lockStream(tx, s.caseId);
    const written = await appendAudit(tx, { ...record.audit, streamId: s.caseId, seq: record.seq, at: new Date(record.audit.at) }, key);
    if (!written.applied) return written;
    // Files the action carried as evidence belong to this case and this entry from now on.
    const files = attachmentsOf(record.audit.after);
    if (files.length) {
      await tx
        .update(attachments)
        .set({ caseId: s.caseId, auditSeq: record.seq })
        .where(and(inArray(attachments.id, files.map((f) => f.id)), isNull(attachments.auditSeq), or(eq(attachments.caseId, s.caseId), isNull(attachments.caseId))));
    }
    const row = {
      id: s.caseId,
      process: s.process,
      title: s.title,
      status: s.status,
      currentStep: s.currentStep,
      level: s.level,
      unitId: s.unitId,
      ownerUnitId: s.ownerUnitId,
      colour: s.colour,
      deadline: toDate(s.deadline),
      caseDeadline: toDate(s.caseDeadline === undefined ? s.deadline : s.caseDeadline),
      stepDeadline: toDate(s.stepDeadline ?? null),
      clockKind: s.clockKind ?? 'case',
      calendarWarnings: s.calendarWarnings,
      data: s.data,
      projectedSeq: record.seq,
      createdAt: new Date(s.createdAt),
      updatedAt: new Date(s.updatedAt),
      closedAt: toDate(s.closedAt),
    };
    const { id: _id, createdAt: _c, ...changes } = row;
    await tx
      .insert(cases)
      .values(row)
      .onConflictDoUpdate({ target: cases.id, set: changes, setWhere: sql`${cases.projectedSeq} < ${record.seq}` });
    await tx.delete(caseAssignments).where(eq(caseAssignments.caseId, s.caseId));
    await tx.delete(caseUnits).where(eq(caseUnits.caseId, s.caseId));
    await tx.delete(caseClocks).where(eq(caseClocks.caseId, s.caseId));
    if (s.assignments.length) {
      await tx
        .insert(caseAssignments)
        .values(s.assignments.map((a) => ({ caseId: s.caseId, unitId: a.unitId, role: a.role, userId: a.userId ?? '', actions: a.actions })))
        .onConflictDoNothing();
    }
    const units = new Map([[`${s.unitId}|responsible`, { unitId: s.unitId, relation: 'responsible' }], [`${s.ownerUnitId}|owner`, { unitId: s.ownerUnitId, relation: 'owner' }]]);
    for (const u of s.units) units.set(`${u.unitId}|${u.relation}`, u);
    await tx.insert(caseUnits).values([...units.values()].map((u) => ({ caseId: s.caseId, ...u })));
    if (s.clocks.length) {
      await tx.insert(caseClocks).values(s.clocks.map((c) => ({ caseId: s.caseId, ...c, deadline: toDate(c.deadline) })));
    }
    return written;
  });
}
