import { eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordTransition } from '../../activities/projection';
import { verifyStream } from '../../db/audit';
import { auditLog, caseAssignments, caseClocks, cases, caseUnits } from '../../db/schema';
import { createAuditKey } from '../../domain/audit-chain';
import type { CaseSnapshot, ClockSnapshot, TransitionRecord } from '../../workflows/shared/case-snapshot';
import { transitionRecord } from '../support/projection-mix';
import { createTestDatabase, type TestDatabase } from '../support/db';

/*
 * A transition that carries its workflow's audit anchor (`prev`) is written in one statement when
 * the anchor is the stream's head (activities/projection-sql.ts); otherwise the stream is locked and
 * its head read. Either way the chain verifies, the read model is exactly the latest snapshot, and a
 * retried record changes nothing.
 */
let tdb: TestDatabase;
const key = createAuditKey('projection-anchor-test-key');
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const clock = (key: string, level: ClockSnapshot['level']): ClockSnapshot =>
  ({
    key,
    label: key,
    state: 'running',
    level,
    deadline: '2026-12-09T16:00:00.000Z',
    budget: { unit: 'workday', amount: 3 },
    consumed: 1,
    fallbackYears: [],
    ledger: [],
  }) as ClockSnapshot;

function snapshot(caseId: string, step: number): CaseSnapshot {
  return {
    caseId,
    process: 'task',
    title: `锚点测试 ${step}`,
    status: step < 3 ? 'open' : 'done',
    currentStep: `step-${step}`,
    level: null,
    unitId: 'lk.t01.v01',
    ownerUnitId: 'lk.t01',
    colour: step === 2 ? 'red' : 'green',
    deadline: '2026-12-09T16:00:00.000Z',
    clockKind: 'case',
    calendarWarnings: [],
    data: { step },
    createdAt: '2026-12-04T01:00:00.000Z',
    updatedAt: new Date(Date.UTC(2026, 11, 4, 1, step)).toISOString(),
    closedAt: step < 3 ? null : '2026-12-04T02:00:00.000Z',
    // Each step replaces who may act, the units involved and the clocks: some rows stay, some go.
    assignments:
      step === 1
        ? [
            { unitId: 'lk.t01.v01', role: 'handler', actions: ['complete'] },
            { unitId: 'lk.t01', role: 'supervisor', actions: ['urge'] },
          ]
        : step === 2
          ? [{ unitId: 'lk.t01.v01', role: 'handler', actions: ['complete', 'extend'] }]
          : [],
    units: step === 1 ? [{ unitId: 'lk.t01.v02', relation: 'involved' }] : [],
    clocks: step === 1 ? [clock('task', 'green'), clock('extra', 'blue')] : step === 2 ? [clock('task', 'red')] : [],
  } as CaseSnapshot;
}

const withPrev = (r: TransitionRecord, prev: TransitionRecord['prev']): TransitionRecord => ({ ...r, prev });

async function readModel(caseId: string) {
  const [row] = await tdb.db.select().from(cases).where(eq(cases.id, caseId));
  const assignments = await tdb.db.select().from(caseAssignments).where(eq(caseAssignments.caseId, caseId));
  const units = await tdb.db.select().from(caseUnits).where(eq(caseUnits.caseId, caseId));
  const clocks = await tdb.db.select().from(caseClocks).where(eq(caseClocks.caseId, caseId));
  return {
    row: { status: row?.status, step: row?.currentStep, seq: row?.projectedSeq, red: row?.redClock },
    assignments: assignments.map((a) => `${a.unitId}/${a.role}:${(a.actions as string[]).join('+')}`).sort(),
    units: units.map((u) => `${u.unitId}/${u.relation}`).sort(),
    clocks: clocks.map((c) => `${c.key}:${c.level}`).sort(),
  };
}

async function runCase(caseId: string, anchored: boolean) {
  let anchor: TransitionRecord['prev'] = { seq: 0, hash: null };
  const written = [];
  for (const step of [1, 2, 3]) {
    const record = transitionRecord(step, snapshot(caseId, step));
    const result = await recordTransition(tdb.db, anchored ? withPrev(record, anchor) : record, key);
    written.push(result);
    anchor = { seq: result.seq, hash: result.hash };
  }
  return written;
}

describe('writing a transition at the workflow’s audit anchor', () => {
  it('gives the same chain and read model as the locked path, step by step', async () => {
    const fast = await runCase('RW-2026-900001', true);
    const locked = await runCase('RW-2026-900002', false);
    expect(fast.map((w) => w.applied)).toEqual([true, true, true]);
    expect(locked.map((w) => w.applied)).toEqual([true, true, true]);
    for (const id of ['RW-2026-900001', 'RW-2026-900002']) {
      expect((await verifyStream(tdb.db, id, { key })).ok).toBe(true);
    }
    const a = await readModel('RW-2026-900001');
    const b = await readModel('RW-2026-900002');
    expect(a).toEqual(b);
    expect(a).toEqual({
      row: { status: 'done', step: 'step-3', seq: 3, red: false },
      assignments: [],
      units: ['lk.t01.v01/responsible', 'lk.t01/owner'],
      clocks: [],
    });
  });

  it('keeps the rows a step keeps, drops the rest, and updates what changed', async () => {
    const id = 'RW-2026-900003';
    const first = await recordTransition(
      tdb.db,
      withPrev(transitionRecord(1, snapshot(id, 1)), { seq: 0, hash: null }),
      key,
    );
    await recordTransition(tdb.db, withPrev(transitionRecord(2, snapshot(id, 2)), first), key);
    expect(await readModel(id)).toEqual({
      row: { status: 'open', step: 'step-2', seq: 2, red: true },
      assignments: ['lk.t01.v01/handler:complete+extend'],
      units: ['lk.t01.v01/responsible', 'lk.t01/owner'],
      clocks: ['task:red'],
    });
  });

  it('answers a retried record with the entry already written, and changes nothing', async () => {
    const id = 'RW-2026-900004';
    const first = await recordTransition(
      tdb.db,
      withPrev(transitionRecord(1, snapshot(id, 1)), { seq: 0, hash: null }),
      key,
    );
    const before = await readModel(id);
    const [{ n }] = (
      await tdb.db.execute<{ n: number }>(sql`select count(*)::int as n from audit_log where stream_id = ${id}`)
    ).rows as [{ n: number }];
    const again = await recordTransition(
      tdb.db,
      withPrev(transitionRecord(1, snapshot(id, 1)), { seq: 0, hash: null }),
      key,
    );
    expect(again).toEqual({ applied: false, seq: 1, hash: first.hash });
    expect(await readModel(id)).toEqual(before);
    const after = await tdb.db.execute<{ n: number }>(
      sql`select count(*)::int as n from audit_log where stream_id = ${id}`,
    );
    expect(after.rows[0]!.n).toBe(n);
  });

  it('chains to the stream’s real head when the anchor is not it', async () => {
    const id = 'RW-2026-900005';
    const first = await recordTransition(
      tdb.db,
      withPrev(transitionRecord(1, snapshot(id, 1)), { seq: 0, hash: null }),
      key,
    );
    // The workflow believes another hash was last written: the write must not chain to it.
    const wrongAnchor = { seq: 1, hash: 'f'.repeat(64) };
    const second = await recordTransition(tdb.db, withPrev(transitionRecord(2, snapshot(id, 2)), wrongAnchor), key);
    expect(second.applied).toBe(true);
    const [entry] = await tdb.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.streamId} = ${id} and ${auditLog.seq} = 2`);
    expect(entry!.prevHash).toBe(first.hash);
    expect((await verifyStream(tdb.db, id, { key })).ok).toBe(true);
    expect((await readModel(id)).row.seq).toBe(2);
  });

  it('takes no stream lock at the anchor (one statement), while a write without one waits for it', async () => {
    const id = 'RW-2026-900006';
    const holder = new pg.Client({ connectionString: tdb.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [id]);
      const anchored = recordTransition(
        tdb.db,
        withPrev(transitionRecord(1, snapshot(id, 1)), { seq: 0, hash: null }),
        key,
      );
      const first = await Promise.race([anchored, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
      expect(first?.applied).toBe(true);

      let lockedDone = false;
      const locked = recordTransition(tdb.db, transitionRecord(2, snapshot(id, 2)), key).then((w) => {
        lockedDone = true;
        return w;
      });
      await new Promise((r) => setTimeout(r, 500));
      expect(lockedDone).toBe(false);
      await holder.query('rollback');
      expect((await locked).applied).toBe(true);
    } finally {
      await holder.end();
    }
    expect((await verifyStream(tdb.db, id, { key })).ok).toBe(true);
  });
});
