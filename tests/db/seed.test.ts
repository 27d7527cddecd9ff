import { and, asc, count, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDays, calendarYears } from '../../db/schema/calendar';
import { incidentLevelOf, inSubtree, orgUnits, powerListItems, ROLES, users } from '../../db/schema/org';
import { DEMO_POWER_LISTS, DEMO_UNITS, DEMO_USERS } from '../../db/seed/demo-county';
import { seedDemoCounty } from '../../db/seed/seed';
import type { CalendarData } from '../../domain/calendar';
import { createTestDatabase, type TestDatabase } from '../support/db';

const calendar: CalendarData = {
  years: {
    2026: {
      holidays: [
        { date: '2026-01-01', name: '元旦' },
        { date: '2026-01-02', name: '元旦' },
      ],
      workdays: [{ date: '2026-01-04', name: '元旦调休' }],
    },
  },
};

let tdb: TestDatabase;
let first: Record<string, number>;
let second: Record<string, number>;

async function tableCounts(): Promise<Record<string, number>> {
  const { db } = tdb;
  const [u] = await db.select({ n: count() }).from(orgUnits);
  const [us] = await db.select({ n: count() }).from(users);
  const [p] = await db.select({ n: count() }).from(powerListItems);
  const [d] = await db.select({ n: count() }).from(calendarDays);
  const [y] = await db.select({ n: count() }).from(calendarYears);
  return {
    orgUnits: u?.n ?? -1,
    users: us?.n ?? -1,
    powerListItems: p?.n ?? -1,
    calendarDays: d?.n ?? -1,
    calendarYears: y?.n ?? -1,
  };
}

beforeAll(async () => {
  tdb = await createTestDatabase();
  first = (await seedDemoCounty(tdb.db, { calendar })).inserted;
  second = (await seedDemoCounty(tdb.db, { calendar })).inserted;
});
afterAll(async () => {
  await tdb.drop();
});

describe('seedDemoCounty', () => {
  it('inserts everything once, and nothing the second time', async () => {
    expect(first).toMatchObject({
      orgUnits: DEMO_UNITS.length,
      users: DEMO_USERS.length,
      powerListItems: DEMO_POWER_LISTS.length,
      calendarDays: 3,
      calendarYears: 1,
    });
    expect(first.unitLeaders).toBeGreaterThan(0);
    expect(Object.values(second).every((n) => n === 0)).toBe(true);
    expect(await tableCounts()).toEqual({
      orgUnits: DEMO_UNITS.length,
      users: DEMO_USERS.length,
      powerListItems: DEMO_POWER_LISTS.length,
      calendarDays: 3,
      calendarYears: 1,
    });
  });

  it('never overwrites an administrator edit', async () => {
    await tdb.db.update(orgUnits).set({ name: '城关镇（改）', leaderUserId: null }).where(eq(orgUnits.id, 'lk.t01'));
    await tdb.db.update(users).set({ displayName: '改名', active: false }).where(eq(users.username, 't01.window'));
    await seedDemoCounty(tdb.db, { calendar });
    const [t01] = await tdb.db.select().from(orgUnits).where(eq(orgUnits.id, 'lk.t01'));
    const [window] = await tdb.db.select().from(users).where(eq(users.username, 't01.window'));
    expect(t01).toMatchObject({ name: '城关镇（改）', leaderUserId: null });
    expect(window).toMatchObject({ displayName: '改名', active: false });
    await tdb.db
      .update(orgUnits)
      .set({ name: '城关镇', leaderUserId: 'u.lk.t01.leader' })
      .where(eq(orgUnits.id, 'lk.t01'));
  });

  it('gives every non-county unit an existing parent, and levels/paths that agree with it', async () => {
    const parent = alias(orgUnits, 'parent');
    const rows = await tdb.db
      .select({
        id: orgUnits.id,
        kind: orgUnits.kind,
        path: orgUnits.path,
        level: orgUnits.level,
        parentPath: parent.path,
        parentLevel: parent.level,
      })
      .from(orgUnits)
      .leftJoin(parent, eq(orgUnits.parentId, parent.id));
    for (const r of rows) {
      if (r.kind === 'county') {
        expect(r.parentPath).toBeNull();
        continue;
      }
      expect(r.parentPath, r.id).not.toBeNull();
      expect(r.path).toBe(`${r.parentPath}/${r.id}`);
      expect(r.level).toBe((r.parentLevel ?? 0) + 1);
    }
  });

  it('ties every dispatched agency to a township and an owning department', async () => {
    const parent = alias(orgUnits, 'parent');
    const dept = alias(orgUnits, 'dept');
    const rows = await tdb.db
      .select({ id: orgUnits.id, parentKind: parent.kind, deptKind: dept.kind })
      .from(orgUnits)
      .leftJoin(parent, eq(orgUnits.parentId, parent.id))
      .leftJoin(dept, eq(orgUnits.departmentId, dept.id))
      .where(eq(orgUnits.kind, 'agency'));
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const r of rows) {
      expect(['township', 'street'], r.id).toContain(r.parentKind);
      expect(r.deptKind, r.id).toBe('department');
    }
  });

  it('gives each township/street a leader who belongs to it', async () => {
    const leader = alias(users, 'leader');
    const rows = await tdb.db
      .select({ id: orgUnits.id, leaderUnit: leader.unitId, isLeader: leader.isLeader })
      .from(orgUnits)
      .leftJoin(leader, eq(orgUnits.leaderUserId, leader.id))
      .where(sql`${orgUnits.kind} in ('township', 'street')`);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) expect(r, r.id).toEqual({ id: r.id, leaderUnit: r.id, isLeader: true });
  });

  it('has every role at least once, and the predictable demo logins', async () => {
    const rows = await tdb.db.selectDistinct({ role: users.role }).from(users);
    expect(rows.map((r) => r.role).sort()).toEqual([...ROLES].sort());
    const logins = await tdb.db
      .select({ username: users.username, role: users.role, unitId: users.unitId })
      .from(users)
      .where(
        sql`${users.username} in ('admin', 't01.window', 't01.dispatcher', 't01.leader', 'scjg.liaison', 'zhzx.dispatcher', 't02.v01.agent', 't02.v01.g01.grid', 't01.scjgs.liaison')`,
      )
      .orderBy(asc(users.username));
    expect(logins).toEqual([
      { username: 'admin', role: 'admin', unitId: 'lk' },
      { username: 'scjg.liaison', role: 'dept_liaison', unitId: 'lk.dept.scjg' },
      { username: 't01.dispatcher', role: 'dispatcher', unitId: 'lk.t01' },
      { username: 't01.leader', role: 'supervisor', unitId: 'lk.t01' },
      { username: 't01.scjgs.liaison', role: 'dept_liaison', unitId: 'lk.t01.scjgs' },
      { username: 't01.window', role: 'window_staff', unitId: 'lk.t01' },
      { username: 't02.v01.agent', role: 'agent', unitId: 'lk.t02.v01' },
      { username: 't02.v01.g01.grid', role: 'grid_worker', unitId: 'lk.t02.v01.g01' },
      { username: 'zhzx.dispatcher', role: 'dispatcher', unitId: 'lk.zhzx' },
    ]);
  });

  it("finds a township's villages and grids by path", async () => {
    const [t02] = await tdb.db.select({ path: orgUnits.path }).from(orgUnits).where(eq(orgUnits.id, 'lk.t02'));
    expect(t02?.path).toBe('lk/lk.t02');
    const rows = await tdb.db
      .select({ id: orgUnits.id, kind: orgUnits.kind })
      .from(orgUnits)
      .where(and(inSubtree(t02?.path ?? '', { includeRoot: false }), sql`${orgUnits.kind} in ('village', 'grid')`))
      .orderBy(asc(orgUnits.path));
    expect(rows).toEqual([
      { id: 'lk.t02.v01', kind: 'village' },
      { id: 'lk.t02.v01.g01', kind: 'grid' },
      { id: 'lk.t02.v01.g02', kind: 'grid' },
      { id: 'lk.t02.v02', kind: 'village' },
      { id: 'lk.t02.v02.g01', kind: 'grid' },
      { id: 'lk.t02.v02.g02', kind: 'grid' },
      { id: 'lk.t02.v03', kind: 'village' },
      { id: 'lk.t02.v03.g01', kind: 'grid' },
      { id: 'lk.t02.v03.g02', kind: 'grid' },
    ]);
    // The subtree holds nothing from other townships; with the root it also holds the township.
    const all = await tdb.db.select({ id: orgUnits.id }).from(orgUnits).where(inSubtree('lk/lk.t02'));
    expect(all.every((r) => r.id === 'lk.t02' || r.id.startsWith('lk.t02.'))).toBe(true);
    expect(all.map((r) => r.id)).toContain('lk.t02');
  });

  it('seeds a mixed power list per township and the calendar rows', async () => {
    const rows = await tdb.db
      .select({ unitId: powerListItems.unitId, source: powerListItems.source, n: count() })
      .from(powerListItems)
      .groupBy(powerListItems.unitId, powerListItems.source);
    for (const t of ['lk.t01', 'lk.t02', 'lk.t03']) {
      const own = rows.find((r) => r.unitId === t && r.source === 'own')?.n ?? 0;
      const delegated = rows.find((r) => r.unitId === t && r.source === 'delegated')?.n ?? 0;
      expect(own, t).toBeGreaterThan(0);
      expect(delegated, t).toBeGreaterThan(0);
      expect(own + delegated, t).toBeGreaterThanOrEqual(15);
    }
    const days = await tdb.db.select().from(calendarDays).orderBy(asc(calendarDays.date));
    expect(days.map((d) => [d.region, d.date, d.kind])).toEqual([
      ['CN', '2026-01-01', 'holiday'],
      ['CN', '2026-01-02', 'holiday'],
      ['CN', '2026-01-04', 'workday'],
    ]);
  });
});

describe('incidentLevelOf', () => {
  it('maps unit kinds onto the four incident levels', () => {
    expect(incidentLevelOf('grid')).toBe(1);
    expect(incidentLevelOf('community')).toBe(2);
    expect(incidentLevelOf('street')).toBe(3);
    expect(incidentLevelOf('agency')).toBe(3);
    expect(incidentLevelOf('department')).toBe(4);
    expect(incidentLevelOf('county')).toBe(4);
  });
});
