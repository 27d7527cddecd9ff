import type { Db } from '../db';
import { appendAudit, lockStream, type AuditWrite } from '../db/audit';
import type { AuditKey } from '../domain/audit-chain';
import type { TransitionRecord } from '../workflows/shared/case-snapshot';
import { writeAtAnchor, writeReadModel } from './projection-sql';

/**
 * Write one transition: its audit entry (signed with `key`) and the new envelope, atomically.
 * Idempotent on (case id, sequence): a retried or replayed record changes nothing. Answers the
 * entry's sequence and hash, which the workflow keeps as its audit anchor.
 *
 * When the record carries the anchor it follows (`prev`, the entry the workflow wrote last) and that
 * entry is still the stream's head, the whole write is one statement (activities/projection-sql.ts):
 * one round trip instead of a transaction of seven. Otherwise — the first write after a deploy, a
 * retry of a write that went through, a stream that is not what the workflow last wrote — the
 * stream is locked and its head read, as before.
 */
export async function recordTransition(db: Db, record: TransitionRecord, key?: AuditKey): Promise<AuditWrite> {
  const prev = record.prev;
  if (prev && prev.seq === record.seq - 1 && (prev.seq === 0 || prev.hash !== null)) {
    const written = await writeAtAnchor(db, record, prev, key);
    if (written) return written;
  }
  return db.transaction(async (tx) => {
    const s = record.snapshot;
    await lockStream(tx, s.caseId);
    const written = await appendAudit(
      tx,
      { ...record.audit, streamId: s.caseId, seq: record.seq, at: new Date(record.audit.at) },
      key,
    );
    if (!written.applied) return written;
    await writeReadModel(tx, record);
    return written;
  });
}
