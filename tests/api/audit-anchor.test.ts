import type pg from 'pg';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { readStream } from '../../db/audit';
import { createAuditKey, hashAuditEntry, GENESIS_HASH } from '../../domain/audit-chain';
import { useTestSystem } from '../support/system';

const t = useTestSystem('audit-anchor');

const api = () => request(t.app);
const auth = async (username: string) => ({ authorization: `Bearer ${await t.tokenFor(username)}` });
const newTask = {
  title: '整改：河道垃圾清理',
  description: '一周内清理完毕',
  unitId: 'lk.t01.v01',
  budget: { unit: 'workday', amount: 5 },
};

/** A task with three audit entries (create, urge, complete): its workflow has ended. */
async function closedTask(): Promise<string> {
  const res = await api()
    .post('/api/v1/tasks')
    .set(await auth('t01.supervisor'))
    .send(newTask);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const id = res.body.caseId as string;
  const urged = await api()
    .post(`/api/v1/tasks/${id}/actions`)
    .set(await auth('t01.supervisor'))
    .send({ type: 'urge', message: '请尽快处理' });
  expect(urged.status, JSON.stringify(urged.body)).toBe(200);
  const done = await api()
    .post(`/api/v1/tasks/${id}/actions`)
    .set(await auth('t01.v01.handler'))
    .send({ type: 'complete', result: '已清理' });
  expect(done.status, JSON.stringify(done.body)).toBe(200);
  return id;
}

const verify = async (id: string) => {
  const res = await api()
    .get(`/api/v1/cases/${id}/audit/verify`)
    .set(await auth('t01.supervisor'));
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Record<string, unknown>;
};

/**
 * What a database administrator can do: go around the append-only trigger for one transaction
 * (`session_replication_role = replica` skips ordinary triggers), with no access to the audit key.
 */
async function asDba(work: (c: pg.PoolClient) => Promise<unknown>): Promise<void> {
  const c = await t.tdb.pool.connect();
  try {
    await c.query('begin');
    await c.query('set local session_replication_role = replica');
    await work(c);
    await c.query('commit');
  } catch (err) {
    await c.query('rollback');
    throw err;
  } finally {
    c.release();
  }
}

/**
 * Rewrite entry `seq`'s reason and recompute every hash from there on, so the chain is consistent
 * again; `sign` re-signs too (a DBA who also stole the key).
 */
async function rewriteAndRechain(
  id: string,
  seq: number,
  reason: string,
  sign?: (hash: string) => string,
): Promise<void> {
  const rows = await readStream(t.tdb.db, id);
  await asDba(async (c) => {
    let prev = GENESIS_HASH;
    for (const row of rows) {
      if (row.seq < seq) {
        prev = row.hash;
        continue;
      }
      const facts = { ...row, reason: row.seq === seq ? reason : row.reason };
      const hash = hashAuditEntry(prev, facts);
      await c.query(
        'update audit_log set reason = $1, prev_hash = $2, hash = $3, mac = coalesce($4, mac) where id = $5',
        [facts.reason, prev, hash, sign ? sign(hash) : null, row.id],
      );
      prev = hash;
    }
  });
}

describe('an audit chain a DBA cannot quietly shorten or rewrite', () => {
  it('an untouched case verifies: every entry signed, and the database agrees with the engine', async () => {
    const id = await closedTask();
    const verdict = await verify(id);
    expect(verdict).toMatchObject({ ok: true, entries: 3, signed: true, anchor: 'compared' });
    expect(verdict.message).toMatchObject({
      zh: expect.stringContaining('完整'),
      en: expect.stringContaining('intact'),
    });
    const rows = await readStream(t.tdb.db, id);
    expect(rows.every((r) => r.mac && t.deps.auditKey.verify(r.hash, r.mac))).toBe(true);
  });

  it('deleting the newest entry with the trigger bypassed is reported as truncated at that entry', async () => {
    const id = await closedTask();
    await asDba((c) => c.query('delete from audit_log where stream_id = $1 and seq = 3', [id]));
    // What was left is a consistent, correctly signed chain: only the engine knows it was longer.
    expect(await readStream(t.tdb.db, id)).toHaveLength(2);
    const verdict = await verify(id);
    expect(verdict).toMatchObject({
      ok: false,
      entries: 2,
      brokenAtSeq: 3,
      kind: 'truncated',
      problem: 'engine-ahead',
      anchor: 'compared',
    });
    expect(verdict.message).toMatchObject({
      zh: expect.stringContaining('第 3 条起被删除'),
      en: expect.stringContaining('from 3 on were deleted'),
    });
  });

  it('deleting an entry in the middle is reported as missing', async () => {
    const id = await closedTask();
    await asDba((c) => c.query('delete from audit_log where stream_id = $1 and seq = 2', [id]));
    expect(await verify(id)).toMatchObject({ ok: false, brokenAtSeq: 2, kind: 'missing', problem: 'seq-gap' });
  });

  it('an edited entry whose hash and every later hash were recomputed (without the key) is reported as re-chained at that entry', async () => {
    const id = await closedTask();
    await rewriteAndRechain(id, 2, '无需督办');
    const verdict = await verify(id);
    expect(verdict).toMatchObject({
      ok: false,
      entries: 3,
      brokenAtSeq: 2,
      kind: 're-chained',
      problem: 'bad-signature',
    });
    expect((verdict.message as { zh: string }).zh).toContain('第 2 条');
  });

  it('a chain rewritten even with the key is caught by the hash the engine kept', async () => {
    const id = await closedTask();
    await rewriteAndRechain(id, 2, '无需督办', (hash) => t.deps.auditKey.sign(hash));
    expect(await verify(id)).toMatchObject({ ok: false, brokenAtSeq: 3, kind: 're-chained', problem: 'engine-hash' });
  });

  it('entries signed with another key are reported as re-chained', async () => {
    const id = await closedTask();
    const stolen = createAuditKey('a key that is not the application’s own, 32+ chars');
    await rewriteAndRechain(id, 1, '另一把钥匙', (hash) => stolen.sign(hash));
    expect(await verify(id)).toMatchObject({ ok: false, brokenAtSeq: 1, kind: 're-chained', problem: 'bad-signature' });
  });

  it('an edit without recomputing is reported as edited', async () => {
    const id = await closedTask();
    await asDba((c) => c.query(`update audit_log set reason = '改过' where stream_id = $1 and seq = 2`, [id]));
    expect(await verify(id)).toMatchObject({ ok: false, brokenAtSeq: 2, kind: 'edited', problem: 'hash-mismatch' });
  });
});

describe('the county-wide audit sweep', () => {
  it('is for admins only', async () => {
    const res = await api()
      .post('/api/v1/audit/sweeps')
      .set(await auth('t01.supervisor'));
    expect(res.status).toBe(403);
    const unknown = await api()
      .get('/api/v1/audit/sweeps/audit-sweep-nope')
      .set(await auth('admin'));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'audit-sweep-not-found' });
  });

  it('walks every case in the background and reports the broken one among good ones', async () => {
    const good = [await closedTask(), await closedTask(), await closedTask()];
    const broken = await closedTask();
    await asDba((c) => c.query('delete from audit_log where stream_id = $1 and seq = 3', [broken]));

    const started = await api()
      .post('/api/v1/audit/sweeps')
      .set(await auth('admin'));
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ status: 'running', requestedBy: 'u.lk.admin' });
    const id = started.body.id as string;

    let progress: Record<string, unknown> = started.body;
    const deadline = Date.now() + 120_000;
    while (progress.status !== 'completed') {
      if (Date.now() > deadline) throw new Error(`sweep did not finish: ${JSON.stringify(progress)}`);
      await new Promise((r) => setTimeout(r, 250));
      const res = await api()
        .get(`/api/v1/audit/sweeps/${id}`)
        .set(await auth('admin'));
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      progress = res.body;
    }
    const { rows } = await t.tdb.pool.query<{ n: string }>(
      'select count(*) as n from (select id from cases union select stream_id from audit_log) s',
    );
    expect(progress).toMatchObject({ total: Number(rows[0]!.n), checked: Number(rows[0]!.n), unanchored: 0 });
    const reported = progress.broken as {
      streamId: string;
      brokenAtSeq: number;
      kind: string;
      message: { zh: string };
    }[];
    expect(reported.find((b) => b.streamId === broken)).toMatchObject({ brokenAtSeq: 3, kind: 'truncated' });
    for (const g of good) expect(reported.map((b) => b.streamId)).not.toContain(g);
    // Every stream the earlier tests broke is found too, and nothing else.
    const earlier = reported.map((b) => b.streamId).filter((s) => s !== broken);
    for (const s of earlier) expect((await verify(s)).ok).toBe(false);
    expect(progress.brokenCount).toBe(reported.length);
  });
});
