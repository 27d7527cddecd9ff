import { and, asc, desc, eq, sql } from 'drizzle-orm';
import {
  GENESIS_HASH,
  hashAuditEntry,
  verifyAuditChain,
  type AuditAnchor,
  type AuditFacts,
  type AuditKey,
  type ChainVerdict,
} from '../domain/audit-chain';
import type { Db, Tx } from './index';
import { auditLog, cases } from './schema';

/** Serialise writers of one stream for the rest of the transaction. */
export async function lockStream(tx: Tx | Db, streamId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${streamId}, 0))`);
}

/** What an append left at `seq`: its hash (null only if the entry is gone from the database). */
export interface AuditWrite {
  applied: boolean;
  seq: number;
  hash: string | null;
}

/**
 * Append one entry to a stream's hash chain, signed with `key`. With an explicit `seq` (a
 * workflow's event sequence) the write is idempotent: an entry already there is kept and
 * `applied: false` returned with its hash. Without one, the next sequence number is taken. Call
 * inside a transaction after `lockStream`.
 */
export async function appendAudit(
  tx: Tx,
  facts: Omit<AuditFacts, 'seq'> & { seq?: number },
  key?: AuditKey,
): Promise<AuditWrite> {
  const last = await tx
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .where(eq(auditLog.streamId, facts.streamId))
    .orderBy(desc(auditLog.seq))
    .limit(1);
  const head = last[0];
  if (facts.seq !== undefined && head && facts.seq <= head.seq) {
    const [kept] = await tx
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .where(and(eq(auditLog.streamId, facts.streamId), eq(auditLog.seq, facts.seq)));
    return { applied: false, seq: facts.seq, hash: kept?.hash ?? null };
  }
  const entry: AuditFacts = { ...facts, seq: facts.seq ?? (head?.seq ?? 0) + 1 };
  const prevHash = head?.hash ?? GENESIS_HASH;
  const hash = hashAuditEntry(prevHash, entry);
  await tx.insert(auditLog).values({ ...entry, prevHash, hash, mac: key ? key.sign(hash) : null });
  return { applied: true, seq: entry.seq, hash };
}

/**
 * Read a stream in order and verify its chain: signatures with `key`, and against the engine's
 * `anchor` (null: the engine could not answer). Take the anchor before calling: the database is
 * never behind it, so an anchor read first cannot mistake a new entry for a deleted one.
 */
export async function verifyStream(
  db: Db,
  streamId: string,
  opts: { key?: AuditKey; anchor?: AuditAnchor | null } = {},
): Promise<ChainVerdict> {
  return verifyAuditChain(await readStream(db, streamId), opts);
}

/** A stream's entries in order. */
export function readStream(db: Db, streamId: string) {
  return db.select().from(auditLog).where(eq(auditLog.streamId, streamId)).orderBy(asc(auditLog.seq));
}

/**
 * The next `limit` audit streams after `after` in id order: every case in the read model and every
 * stream in the log (so a case whose entries were all deleted, or an `admin:` stream, is walked).
 */
export async function listAuditStreams(db: Db, after: string, limit: number): Promise<string[]> {
  // Each side is an index range with a limit; the union is ordered by the database's own collation,
  // the same order the next page's `> after` continues from.
  const { rows } = await db.execute<{ id: string }>(sql`
    select id from (
      (select ${cases.id} as id from ${cases} where ${cases.id} > ${after} order by ${cases.id} limit ${limit})
      union
      (select distinct ${auditLog.streamId} as id from ${auditLog} where ${auditLog.streamId} > ${after} order by ${auditLog.streamId} limit ${limit})
    ) s order by id limit ${limit}`);
  return rows.map((r) => r.id);
}

/** How many streams {@link listAuditStreams} walks in all. */
export async function countAuditStreams(db: Db): Promise<number> {
  const { rows } = await db.execute<{ n: string }>(
    sql`select count(*) as n from (select ${cases.id} from ${cases} union select distinct ${auditLog.streamId} from ${auditLog}) s`,
  );
  return Number(rows[0]?.n ?? 0);
}

/** Whether a stream belongs to a case (its id is a workflow id) rather than a configuration area. */
export const isCaseStream = (streamId: string) => !streamId.startsWith('admin:');
