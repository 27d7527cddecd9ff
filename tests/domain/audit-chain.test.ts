import { describe, expect, it } from 'vitest';
import {
  createAuditKey,
  GENESIS_HASH,
  hashAuditEntry,
  verifyAuditChain,
  type AuditFacts,
  type ChainedAuditEntry,
} from '../../domain/audit-chain';

const key = createAuditKey('k'.repeat(32));

/** A signed chain of `n` entries, built as appendAudit builds it. */
function chain(n: number, sign = key.sign): (ChainedAuditEntry & { mac: string | null })[] {
  const out: (ChainedAuditEntry & { mac: string | null })[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq += 1) {
    const facts: AuditFacts = {
      streamId: 'RW-1',
      seq,
      actorId: 'u1',
      actorUnitId: null,
      actorRole: null,
      action: `a${seq}`,
      reason: null,
      before: null,
      after: { seq },
      at: new Date(Date.UTC(2026, 0, seq)),
    };
    const hash = hashAuditEntry(prev, facts);
    out.push({ ...facts, prevHash: prev, hash, mac: sign(hash) });
    prev = hash;
  }
  return out;
}

describe('verifyAuditChain', () => {
  it('accepts an intact signed chain that reaches the engine’s anchor', () => {
    const c = chain(3);
    expect(verifyAuditChain(c, { key, anchor: { seq: 3, hash: c[2]!.hash } })).toMatchObject({
      ok: true,
      entries: 3,
      signed: true,
      anchor: 'compared',
    });
    // The database may be one entry ahead of the anchor (written, not yet acknowledged to the workflow).
    expect(verifyAuditChain(c, { key, anchor: { seq: 2, hash: c[1]!.hash } }).ok).toBe(true);
    // Without the engine (gone past retention, or away) the signatures still hold.
    expect(verifyAuditChain(c, { key, anchor: null })).toMatchObject({ ok: true, anchor: 'unavailable' });
  });

  it('names a deleted tail, a gap, an edit, a recomputed chain and a stripped signature', () => {
    const c = chain(4);
    expect(verifyAuditChain(c.slice(0, 3), { key, anchor: { seq: 4, hash: c[3]!.hash } })).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      kind: 'truncated',
    });
    expect(verifyAuditChain(chain(0), { key, anchor: { seq: 2, hash: null } })).toMatchObject({
      ok: false,
      brokenAtSeq: 1,
      kind: 'truncated',
    });
    expect(verifyAuditChain([c[0]!, c[2]!, c[3]!], { key })).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      kind: 'missing',
    });
    expect(verifyAuditChain([c[0]!, { ...c[1]!, reason: 'x' }, c[2]!, c[3]!], { key })).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      kind: 'edited',
      problem: 'hash-mismatch',
    });
    expect(verifyAuditChain([c[0]!, { ...c[1]!, prevHash: 'e'.repeat(64) }, c[2]!], { key })).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      kind: 'edited',
      problem: 'prev-link',
    });
    const forged = chain(4, createAuditKey('z'.repeat(32)).sign);
    expect(verifyAuditChain(forged, { key })).toMatchObject({
      ok: false,
      brokenAtSeq: 1,
      kind: 're-chained',
      problem: 'bad-signature',
    });
    expect(verifyAuditChain([c[0]!, { ...c[1]!, mac: null }, c[2]!], { key })).toMatchObject({
      ok: false,
      brokenAtSeq: 2,
      kind: 'unsigned',
    });
    // Rewritten with the key itself: only the engine's hash tells.
    expect(verifyAuditChain(c, { key, anchor: { seq: 4, hash: 'f'.repeat(64) } })).toMatchObject({
      ok: false,
      brokenAtSeq: 4,
      kind: 're-chained',
      problem: 'engine-hash',
    });
  });

  it('says what broke in Chinese and English', () => {
    const c = chain(3);
    const v = verifyAuditChain(c.slice(0, 2), { key, anchor: { seq: 3, hash: null } });
    expect(v.message.zh).toContain('第 3 条起被删除');
    expect(v.message.en).toContain('entries from 3 on were deleted');
  });
});
