import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { AnchorCheck, AuditAnchor, ChainBreak, ChainProblem } from './audit-verdict';

export type { AnchorCheck, AuditAnchor, ChainBreak, ChainProblem } from './audit-verdict';

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
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(body ?? '')
    .digest('hex');
}

/**
 * A keyed signature over an entry's hash, with a secret held by the application (configuration or
 * the data folder), never by the database: whoever can rewrite rows cannot re-sign them.
 */
export interface AuditKey {
  sign(hash: string): string;
  verify(hash: string, mac: string): boolean;
}

/** HMAC-SHA256 of an entry's hash under `secret`. */
export function createAuditKey(secret: string): AuditKey {
  const sign = (hash: string) => createHmac('sha256', secret).update(hash).digest('hex');
  return {
    sign,
    verify(hash, mac) {
      const expected = Buffer.from(sign(hash), 'hex');
      const given = Buffer.from(mac, 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}

export type ChainVerdict =
  | {
      ok: true;
      entries: number;
      head: string;
      signed: boolean;
      anchor: AnchorCheck;
      message: { zh: string; en: string };
    }
  | {
      ok: false;
      entries: number;
      brokenAtSeq: number;
      kind: ChainBreak;
      problem: ChainProblem;
      signed: boolean;
      anchor: AnchorCheck;
      message: { zh: string; en: string };
    };

function brokenMessage(
  kind: ChainBreak,
  problem: ChainProblem,
  seq: number,
  entries: number,
  anchor: AuditAnchor | null,
): { zh: string; en: string } {
  switch (kind) {
    case 'edited':
      return problem === 'prev-link'
        ? {
            zh: `第 ${seq} 条审计记录与前一条的链接不符（记录被修改）`,
            en: `Entry ${seq} no longer links to the entry before it (edited)`,
          }
        : {
            zh: `第 ${seq} 条审计记录的内容与其哈希不符（记录被修改）`,
            en: `Entry ${seq} no longer matches its hash (edited)`,
          };
    case 'missing':
      return { zh: `缺少第 ${seq} 条审计记录（记录被删除）`, en: `Entry ${seq} is missing (deleted)` };
    case 're-chained':
      return problem === 'engine-hash'
        ? {
            zh: `第 ${seq} 条审计记录的哈希与流程引擎保存的不符：审计链被改写并重新计算`,
            en: `Entry ${seq}'s hash differs from the one the workflow engine kept: the chain was rewritten and recomputed`,
          }
        : {
            zh: `第 ${seq} 条审计记录的签名不符：该条被修改后哈希链被重新计算`,
            en: `Entry ${seq}'s signature does not match: it was edited and the chain recomputed after it`,
          };
    case 'unsigned':
      return {
        zh: `第 ${seq} 条审计记录没有签名（签名被去除，或写于启用签名之前）`,
        en: `Entry ${seq} carries no signature (removed, or written before signing was enabled)`,
      };
    case 'truncated':
      return {
        zh: `流程引擎记录了 ${anchor?.seq ?? '?'} 条审计记录，数据库只有 ${entries} 条：第 ${seq} 条起被删除`,
        en: `The workflow engine recorded ${anchor?.seq ?? '?'} entries, the database holds ${entries}: entries from ${seq} on were deleted`,
      };
  }
}

/**
 * Recompute a stream's chain (entries in `seq` order) and report the first broken entry. With a
 * `key`, every entry's signature must verify (a chain recomputed without the key does not); with
 * an `anchor` from the engine, the database must hold the anchored entry with the anchored hash
 * (a deleted tail, or a chain rewritten even with the key, does not). `anchor: null` means the
 * engine was asked and could not answer.
 */
export function verifyAuditChain(
  entries: readonly (ChainedAuditEntry & { mac?: string | null })[],
  opts: { key?: AuditKey; anchor?: AuditAnchor | null } = {},
): ChainVerdict {
  const signed = opts.key !== undefined;
  const anchorCheck: AnchorCheck =
    opts.anchor === undefined ? 'none' : opts.anchor === null ? 'unavailable' : 'compared';
  const broken = (seq: number, kind: ChainBreak, problem: ChainProblem): ChainVerdict => ({
    ok: false,
    entries: entries.length,
    brokenAtSeq: seq,
    kind,
    problem,
    signed,
    anchor: anchorCheck,
    message: brokenMessage(kind, problem, seq, entries.length, opts.anchor ?? null),
  });
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const e of entries) {
    if (e.seq !== expectedSeq) return broken(expectedSeq, 'missing', 'seq-gap');
    if (e.prevHash !== prev) return broken(e.seq, 'edited', 'prev-link');
    if (hashAuditEntry(prev, e) !== e.hash) return broken(e.seq, 'edited', 'hash-mismatch');
    if (opts.key) {
      if (!e.mac) return broken(e.seq, 'unsigned', 'no-signature');
      if (!opts.key.verify(e.hash, e.mac)) return broken(e.seq, 're-chained', 'bad-signature');
    }
    prev = e.hash;
    expectedSeq += 1;
  }
  const anchor = opts.anchor;
  if (anchor && anchor.seq > entries.length) return broken(entries.length + 1, 'truncated', 'engine-ahead');
  if (anchor?.hash && anchor.seq > 0 && entries[anchor.seq - 1]?.hash !== anchor.hash)
    return broken(anchor.seq, 're-chained', 'engine-hash');
  return {
    ok: true,
    entries: entries.length,
    head: prev,
    signed,
    anchor: anchorCheck,
    message: { zh: `审计链完整，共 ${entries.length} 条`, en: `The audit chain is intact: ${entries.length} entries` },
  };
}
