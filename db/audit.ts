import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { GENESIS_HASH, hashAuditEntry, verifyAuditChain, type AuditFacts, type ChainVerdict } from '../domain/audit-chain';
import type { Db, Tx } from './index';
import { auditLog } from './schema';

/** Serialise writers of one stream for the rest of the transaction. */
export async function lockStream(tx: Tx | Db, streamId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${streamId}, 0))`);
}

/**
 * Append one entry to a stream's hash chain. With an explicit `seq` (a workflow's event sequence)
 * the write is idempotent: an entry already there is kept and `false` returned. Without one, the
 * next sequence number is taken. Call inside a transaction after `lockStream`.
 */
export async function appendAudit(tx: Tx, facts: Omit<AuditFacts, 'seq'> & { seq?: number }): Promise<boolean> {
  const last = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.streamId, facts.streamId))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const head = last[0];
  if (facts.seq !== undefined && head && facts.seq <= head.seq) return false;
  const entry: AuditFacts = { ...facts, seq: facts.seq ?? (head?.seq ?? 0) + 1 };
  const prevHash = head?.hash ?? GENESIS_HASH;
  await tx.insert(auditLog).values({ ...entry, prevHash, hash: hashAuditEntry(prevHash, entry) });
  return true;
}

/** Read a stream in order and verify its chain. */
export async function verifyStream(db: Db, streamId: string): Promise<ChainVerdict> {
  const rows = await db.select().from(auditLog).where(eq(auditLog.streamId, streamId)).orderBy(asc(auditLog.seq));
  return verifyAuditChain(rows);
}

/** A stream's entries in order. */
export function readStream(db: Db, streamId: string) {
  return db.select().from(auditLog).where(and(eq(auditLog.streamId, streamId))).orderBy(asc(auditLog.seq));
}
