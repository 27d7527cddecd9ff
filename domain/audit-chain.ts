import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What an audit entry says: who, which unit, when, what, why, before/after. */
export interface AuditFacts {
  streamId: string;
  seq: number;
  actorId: string;
  actorUnitId: string | null;
  actorRole: string | null;
  action: string;
  reason: string | null;
  before: unknown;
  after: unknown;
  at: Date;
}

export interface ChainedAuditEntry extends AuditFacts {
  prevHash: string;
  hash: string;
}

/** The hash that precedes the first entry of every stream. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SHA-256 over the previous hash and the RFC 8785 canonical JSON of the entry, so that any edit,
 * deletion or reordering of a row breaks every later link.
 */
export function hashAuditEntry(prevHash: string, facts: AuditFacts): string {
  const body = canonicalize({
    streamId: facts.streamId,
    seq: facts.seq,
    actorId: facts.actorId,
    actorUnitId: facts.actorUnitId,
    actorRole: facts.actorRole,
    action: facts.action,
    reason: facts.reason,
    before: facts.before ?? null,
    after: facts.after ?? null,
    at: facts.at.toISOString(),
  });
  return createHash('sha256').update(prevHash).update('\n').update(body ?? '').digest('hex');
}

export type ChainVerdict =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; brokenAtSeq: number; problem: 'hash-mismatch' | 'prev-link' | 'seq-gap' };

/** Recompute a stream's chain (entries in `seq` order) and report the first broken link. */
export function verifyAuditChain(entries: readonly ChainedAuditEntry[]): ChainVerdict {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq) return { ok: false, entries: entries.length, brokenAtSeq: expectedSeq, problem: 'seq-gap' };
    if (e.prevHash !== prev) return { ok: false, entries: entries.length, brokenAtSeq: e.seq, problem: 'prev-link' };
    if (hashAuditEntry(prev, e) !== e.hash) return { ok: false, entries: entries.length, brokenAtSeq: e.seq, problem: 'hash-mismatch' };
    prev = e.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: entries.length, head: prev };
}
