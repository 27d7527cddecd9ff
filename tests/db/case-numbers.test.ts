import type { Client } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../activities';
import { allocateCaseNumbers } from '../../db/case-numbers';
import { caseNumberCounters } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../support/db';

// Case numbers are the county's public numbering: a retried allocation must not leave a gap. The
// worker's activity is claimed under its attempt's identity (workflow id, run id, activity id),
// which Temporal keeps the same for every retry of one scheduled activity.

let tdb: TestDatabase;
beforeAll(async () => {
  tdb = await createTestDatabase();
});
afterAll(async () => {
  await tdb?.drop();
});

const counter = async (process: 'task' | 'incident') => {
  const rows = await tdb.db.select().from(caseNumberCounters).where(eq(caseNumberCounters.process, process));
  return rows.reduce((n, r) => n + r.last, 0);
};

/** The worker's activities as registered (the Temporal client is only used by the calendar fan-out and the audit sweep). */
const activities = () => createActivities({ db: tdb.db, temporal: {} as Client });

/** Run the registered activity as the worker would, under one scheduled activity's identity. */
const attempt = (workflowId: string, runId: string, activityId: string, count: number): Promise<string[]> =>
  new MockActivityEnvironment({
    workflowExecution: { workflowId, runId },
    activityId,
    activityType: 'allocateCaseNumbers',
  }).run(activities().allocateCaseNumbers, { process: 'task' as const, count });

describe('allocateCaseNumbers activity', () => {
  it('a retry of the same scheduled activity (worker died before completing) answers the same numbers and allocates none', async () => {
    const before = await counter('task');
    const first = await attempt('SP-2026-000001', 'run-a', '3', 2);
    expect(first).toHaveLength(2);
    expect(first[0]).toMatch(/^RW-\d{4}-\d{6}$/);
    expect(await counter('task')).toBe(before + 2);

    // The attempt's result never reached the engine; Temporal retries the activity with the same identity.
    expect(await attempt('SP-2026-000001', 'run-a', '3', 2)).toEqual(first);
    expect(await counter('task')).toBe(before + 2);
  });

  it('another activity, or the same activity id in a later run (continue-as-new), gets new consecutive numbers', async () => {
    const a = await attempt('KH-2026-000001', 'run-1', '5', 1);
    const b = await attempt('KH-2026-000001', 'run-1', '6', 1);
    const c = await attempt('KH-2026-000001', 'run-2', '5', 1);
    const seq = [a[0], b[0], c[0]].map((id) => Number(id!.slice(-6)));
    expect(seq).toEqual([seq[0], seq[0]! + 1, seq[0]! + 2]);
  });

  it('overlapping attempts of one activity (a heartbeat timeout retried it while the first still ran) agree', async () => {
    const before = await counter('task');
    const results = await Promise.all(Array.from({ length: 4 }, () => attempt('SJ-2026-000009', 'run-x', '1', 3)));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(await counter('task')).toBe(before + 3);
  });
});

describe('allocateCaseNumbers (db)', () => {
  it('allocates consecutive numbers per process and year (Asia/Shanghai), inside the caller’s transaction', async () => {
    // 2026-12-31T16:30Z is already 2027 in Shanghai.
    const [first] = await allocateCaseNumbers(tdb.db, { process: 'incident', at: new Date('2026-12-31T16:30:00Z') });
    expect(first).toMatch(/^SJ-2027-\d{6}$/);
    const more = await tdb.db.transaction((tx) =>
      allocateCaseNumbers(tx, { process: 'incident', at: new Date('2027-03-01T00:00:00Z'), count: 2 }),
    );
    expect(more.map((id) => Number(id.slice(-6)))).toEqual([Number(first.slice(-6)) + 1, Number(first.slice(-6)) + 2]);
    // A transaction that rolls back takes its numbers with it.
    const before = await counter('incident');
    await expect(
      tdb.db.transaction(async (tx) => {
        await allocateCaseNumbers(tx, { process: 'incident', at: new Date('2027-03-01T00:00:00Z') });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await counter('incident')).toBe(before);
  });
});
