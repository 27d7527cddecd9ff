import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarYears, cases, NATIONAL_REGION, notices } from '../../db/schema';
import { missingCalendarYears } from '../../domain/calendar-warning';
import { createTestApp, type TestApp } from '../support/app';

// The calendar status the console's banner reads, the notice each admin gets once per missing
// year, and the live cases a year's change would move. PostgreSQL only: no workflow is involved.

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const get = async (as: string, path: string) =>
  request(t.app)
    .get(`/api/v1${path}`)
    .set('Authorization', `Bearer ${await t.tokenFor(as)}`);

describe('calendar status and live cases per year', () => {
  it('lists the missing year the banner shows, and notices each admin once per missing year', async () => {
    const covered = new Set(
      (
        await t.tdb.db
          .select({ year: calendarYears.year })
          .from(calendarYears)
          .where(eq(calendarYears.region, NATIONAL_REGION))
      ).map((r) => r.year),
    );
    const expected = missingCalendarYears(Date.now(), (y) => covered.has(y));
    const first = await get('admin', '/calendar/status');
    expect(first.status).toBe(200);
    expect(first.body.missing.map((m: { year: number; why: string }) => ({ year: m.year, why: m.why }))).toEqual(
      expected,
    );
    expect((await get('t01.window', '/calendar/status')).status).toBe(403);
    await get('admin', '/calendar/status');
    const mine = await t.tdb.db.select().from(notices).where(eq(notices.recipientUserId, 'u.lk.admin'));
    expect(mine.map((n) => n.caseId).sort()).toEqual(expected.map((m) => `calendar:${m.year}`).sort());
    for (const n of mine) expect(n).toMatchObject({ kind: 'info', unitId: 'lk' });
    if (expected.length > 0) expect(mine[0]!.message).toContain('年全国节假日安排尚未录入');

    // Once the missing years are entered, nothing is missing and no notice is added.
    for (const m of expected)
      await t.tdb.db
        .insert(calendarYears)
        .values({ region: NATIONAL_REGION, year: m.year, status: 'complete', source: 'admin' });
    const after = await get('admin', '/calendar/status');
    expect(after.body.missing).toEqual([]);
    expect(after.body.coveredYears).toEqual(expect.arrayContaining(expected.map((m) => m.year)));
    expect(await t.tdb.db.select().from(notices).where(eq(notices.recipientUserId, 'u.lk.admin'))).toHaveLength(
      mine.length,
    );
  });

  it('names the live cases whose deadlines reach into a year, not the closed or earlier ones', async () => {
    const at = new Date('2026-12-20T02:00:00Z');
    const row = (id: string, deadline: string | null, closedAt: Date | null) => ({
      id,
      process: 'approval' as const,
      title: `申请 ${id}`,
      status: 'under-review',
      unitId: 'lk.t01',
      ownerUnitId: 'lk.t01',
      projectedSeq: 1,
      createdAt: at,
      updatedAt: at,
      closedAt,
      deadline: deadline ? new Date(deadline) : null,
      caseDeadline: deadline ? new Date(deadline) : null,
    });
    await t.tdb.db
      .insert(cases)
      .values([
        row('SP-LIVE-2027', '2027-01-12T16:00:00Z', null),
        row('SP-CLOSED-2027', '2027-01-12T16:00:00Z', new Date('2026-12-22T02:00:00Z')),
        row('SP-LIVE-2026', '2026-12-28T16:00:00Z', null),
      ]);
    const res = await get('admin', '/calendar/years/2027/live-cases');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      year: 2027,
      count: 1,
      items: [{ id: 'SP-LIVE-2027', title: '申请 SP-LIVE-2027', caseDeadline: '2027-01-12T16:00:00.000Z' }],
    });
    expect((await get('lk.supervisor', '/calendar/years/2027/live-cases')).status).toBe(403);
    await t.tdb.db.delete(cases).where(and(eq(cases.unitId, 'lk.t01'), eq(cases.createdAt, at)));
  });
});
