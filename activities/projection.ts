import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Db } from '../db';
import { appendAudit, lockStream, type AuditWrite } from '../db/audit';
import type { AuditKey } from '../domain/audit-chain';
import { attachments, caseAssignments, caseClocks, cases, caseUnits } from '../db/schema';
import type { AttachmentRef } from '../workflows/shared/attachments';
import type { TransitionRecord } from '../workflows/shared/case-snapshot';

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);

/**
 * The files an audit entry's `after` lists (as workflows/shared/attachments.ts `withAttachments`
 * wrote them): what the projection binds to the entry.
 */
function attachmentsOf(after: unknown): AttachmentRef[] {
  const list = (after as { attachments?: unknown } | null | undefined)?.attachments;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is AttachmentRef =>
      typeof (a as AttachmentRef | null)?.id === 'string' && typeof (a as AttachmentRef).sha256 === 'string',
  );
}

/**
 * Write one transition: its audit entry (signed with `key`) and the new envelope, in one
 * transaction. Idempotent on (case id, sequence): a retried or replayed record changes nothing.
 * Answers the entry's sequence and hash, which the workflow keeps as its audit anchor.
 */
export async function recordTransition(db: Db, record: TransitionRecord, key?: AuditKey): Promise<AuditWrite> {
  const s = record.snapshot;
  return db.transaction(async (tx) => {
    await lockStream(tx, s.caseId);
    const written = await appendAudit(
      tx,
      { ...record.audit, streamId: s.caseId, seq: record.seq, at: new Date(record.audit.at) },
      key,
    );
    if (!written.applied) return written;
    // Files the action carried as evidence belong to this case and this entry from now on.
    const files = attachmentsOf(record.audit.after);
    if (files.length) {
      await tx
        .update(attachments)
        .set({ caseId: s.caseId, auditSeq: record.seq })
        .where(
          and(
            inArray(
              attachments.id,
              files.map((f) => f.id),
            ),
            isNull(attachments.auditSeq),
            or(eq(attachments.caseId, s.caseId), isNull(attachments.caseId)),
          ),
        );
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
    // The case's assignments, units and clocks are replaced as a whole: one statement removes the
    // old rows, one writes the new (each round trip inside the case's lock costs every action).
    await tx.execute(sql`with a as (delete from ${caseAssignments} where ${caseAssignments.caseId} = ${s.caseId}),
      u as (delete from ${caseUnits} where ${caseUnits.caseId} = ${s.caseId})
      delete from ${caseClocks} where ${caseClocks.caseId} = ${s.caseId}`);
    const units = new Map([
      [`${s.unitId}|responsible`, { unitId: s.unitId, relation: 'responsible' }],
      [`${s.ownerUnitId}|owner`, { unitId: s.ownerUnitId, relation: 'owner' }],
    ]);
    for (const u of s.units) units.set(`${u.unitId}|${u.relation}`, u);
    const assignmentRows = s.assignments.map((a) => ({
      unit_id: a.unitId,
      role: a.role,
      user_id: a.userId ?? '',
      actions: a.actions,
    }));
    const unitRows = [...units.values()].map((u) => ({ unit_id: u.unitId, relation: u.relation }));
    const clockRows = s.clocks.map((c) => ({
      key: c.key,
      label: c.label,
      state: c.state,
      level: c.level,
      deadline: c.deadline,
      budget: c.budget,
      consumed: c.consumed,
      fallback_years: c.fallbackYears,
      ledger: c.ledger,
    }));
    await tx.execute(sql`with a as (
        insert into ${caseAssignments} (case_id, unit_id, role, user_id, actions)
        select ${s.caseId}, x.unit_id, x.role, x.user_id, x.actions from jsonb_to_recordset(${JSON.stringify(assignmentRows)}::jsonb) as x(unit_id text, role text, user_id text, actions jsonb)
        on conflict do nothing),
      k as (
        insert into ${caseClocks} (case_id, key, label, state, level, deadline, budget, consumed, fallback_years, ledger)
        select ${s.caseId}, x.key, x.label, x.state, x.level::clock_level, x.deadline::timestamptz, x.budget, x.consumed, coalesce(x.fallback_years, '[]'::jsonb), coalesce(x.ledger, '[]'::jsonb)
        from jsonb_to_recordset(${JSON.stringify(clockRows)}::jsonb) as x(key text, label text, state text, level text, deadline text, budget jsonb, consumed jsonb, fallback_years jsonb, ledger jsonb))
      insert into ${caseUnits} (case_id, unit_id, relation)
      select ${s.caseId}, x.unit_id, x.relation from jsonb_to_recordset(${JSON.stringify(unitRows)}::jsonb) as x(unit_id text, relation text)`);
    return written;
  });
}
