import { sql } from 'drizzle-orm';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrincipal } from '../../api/auth';
import { claimIdempotencyKey } from '../../api/idempotency';
import { openDatabase, type Database } from '../../db';
import { orgUnits, users } from '../../db/schema/org';
import { createTestDatabase, type TestDatabase } from '../support/db';

// The request path's statements are built once per database (db/prepared.ts `builtOnce`) and run
// with their values: the same answers as when they were built per request, on every connection.

let tdb: TestDatabase;
/** One connection, so that what it prepared can be read from `pg_prepared_statements`. */
let one: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  one = openDatabase(tdb.url, { max: 1 });
  await one.db.insert(orgUnits).values([
    { id: 'rs.county', name: '某县', kind: 'county', path: 'rs.county', level: 1, parentId: null },
    { id: 'rs.town', name: '某镇', kind: 'township', path: 'rs.county/rs.town', level: 2, parentId: 'rs.county' },
  ]);
  await one.db.insert(users).values([
    { id: 'u.rs.sup', username: 'rs.sup', displayName: '县督办', role: 'supervisor', unitId: 'rs.county' },
    {
      id: 'u.rs.win',
      username: 'rs.win',
      displayName: '窗口',
      role: 'window_staff',
      unitId: 'rs.town',
      isLeader: true,
    },
    {
      id: 'u.rs.gone',
      username: 'rs.gone',
      displayName: '已停用',
      role: 'window_staff',
      unitId: 'rs.town',
      active: false,
    },
  ]);
}, 60_000);
afterAll(async () => {
  await one?.close();
  await tdb?.drop();
});

describe('the principal of a request', () => {
  it('is found by id, by username or by either, with its unit, on one prepared statement per key', async () => {
    const expected = {
      userId: 'u.rs.win',
      username: 'rs.win',
      displayName: '窗口',
      role: 'window_staff',
      unitId: 'rs.town',
      unitPath: 'rs.county/rs.town',
      unitKind: 'township',
      isLeader: true,
      unitIsSoleRoot: false,
    };
    expect(await loadPrincipal(one.db, 'u.rs.win')).toEqual(expected);
    expect(await loadPrincipal(one.db, 'rs.win', 'username')).toEqual(expected);
    expect(await loadPrincipal(one.db, 'rs.win', 'id-or-username')).toEqual(expected);
    expect(await loadPrincipal(one.db, 'u.rs.win', 'id-or-username')).toEqual(expected);
    // A username is not an id, nor the other way round.
    expect(await loadPrincipal(one.db, 'rs.win')).toBeNull();
    expect(await loadPrincipal(one.db, 'u.rs.win', 'username')).toBeNull();
    // Inactive and unknown users are nobody.
    expect(await loadPrincipal(one.db, 'u.rs.gone')).toBeNull();
    expect(await loadPrincipal(one.db, 'u.nobody')).toBeNull();
    const names = (
      await one.db.execute<{ name: string }>(sql.raw('select name from pg_prepared_statements order by name'))
    ).rows.map((r) => r.name);
    expect(names).toEqual(
      expect.arrayContaining(['principal_by_id', 'principal_by_id_or_username', 'principal_by_username']),
    );
  });

  it("sees whether the unit is the org tree's one root, as the tree is now", async () => {
    expect(await loadPrincipal(one.db, 'u.rs.sup')).toMatchObject({ unitId: 'rs.county', unitIsSoleRoot: true });
    await one.db
      .insert(orgUnits)
      .values({ id: 'rs.other', name: '另一县', kind: 'county', path: 'rs.other', level: 1, parentId: null });
    try {
      expect(await loadPrincipal(one.db, 'u.rs.sup')).toMatchObject({ unitIsSoleRoot: false });
    } finally {
      await one.db.delete(orgUnits).where(sql`${orgUnits.id} = 'rs.other'`);
    }
    expect(await loadPrincipal(one.db, 'u.rs.sup')).toMatchObject({ unitIsSoleRoot: true });
  });
});

describe('an idempotency key', () => {
  const request = (body: unknown) => ({ method: 'POST', baseUrl: '/api/v1', path: '/things', body }) as Request;

  it('replays the stored answer as it was given — an array stays an array, an object an object', async () => {
    for (const [key, answer] of [
      ['rs-array', [{ id: 1, tags: ['a', 'b'] }, 2, 'three']],
      ['rs-object', { id: 'RW-1', items: [], note: null }],
    ] as const) {
      const first = await claimIdempotencyKey(one.db, 'u.rs.win', key, request({ n: 1 }));
      expect(first.replay).toBeNull();
      await first.complete(201, answer);
      const again = await claimIdempotencyKey(one.db, 'u.rs.win', key, request({ n: 1 }));
      expect(again.replay).toEqual({ status: 201, body: answer });
      expect(again.updateId).toBe(first.updateId);
      // The same key for another request is refused; another user's same key is their own.
      await expect(claimIdempotencyKey(one.db, 'u.rs.win', key, request({ n: 2 }))).rejects.toThrow(/Idempotency-Key/);
      expect((await claimIdempotencyKey(one.db, 'u.rs.sup', key, request({ n: 2 }))).replay).toBeNull();
    }
  });

  it('keeps the case number an attempt allocated for the attempt that takes over', async () => {
    const first = await claimIdempotencyKey(one.db, 'u.rs.win', 'rs-case', request({ n: 1 }));
    await first.rememberCaseId('RW-2026-000042');
    await first.abandon();
    const retry = await claimIdempotencyKey(one.db, 'u.rs.win', 'rs-case', request({ n: 1 }));
    expect(retry).toMatchObject({ replay: null, caseId: 'RW-2026-000042' });
  });
});
