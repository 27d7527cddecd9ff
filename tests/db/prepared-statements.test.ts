import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, withOptions, type Database } from '../../db';
import { MAX_PREPARED_STATEMENTS, StatementNames } from '../../db/prepared';
import { orgUnits } from '../../db/schema/org';
import { createTestDatabase, type TestDatabase } from '../support/db';

let tdb: TestDatabase;
/** One connection, so that what it prepared can be read from `pg_prepared_statements`. */
let one: Database;

beforeAll(async () => {
  tdb = await createTestDatabase();
  one = openDatabase(tdb.url, { max: 1 });
  await one.db
    .insert(orgUnits)
    .values({ id: 'p.unit', name: '预备单位', kind: 'county', path: 'p.unit', level: 1, parentId: null });
}, 60_000);
afterAll(async () => {
  await one?.close();
  await tdb?.drop();
});

const prepared = async () =>
  (
    await one.db.execute<{ name: string; statement: string }>(
      sql.raw('select name, statement from pg_prepared_statements'),
    )
  ).rows;

describe('repeated statements run as named prepared statements', () => {
  it('prepares a parameterised statement the second time it runs, and answers the same rows', async () => {
    const find = (id: string) => one.db.select({ name: orgUnits.name }).from(orgUnits).where(eq(orgUnits.id, id));
    expect(await find('p.unit')).toEqual([{ name: '预备单位' }]);
    expect((await prepared()).filter((p) => p.statement.includes('"org_units"'))).toEqual([]);
    expect(await find('p.unit')).toEqual([{ name: '预备单位' }]);
    expect(await find('nothing')).toEqual([]);
    const mine = (await prepared()).filter((p) => p.statement.includes('"org_units"'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.name).toMatch(/^s[\w-]{27}$/);
  });

  it('leaves a statement without parameters unprepared: several statements in one text still run', async () => {
    const before = (await prepared()).length;
    await one.db.execute(sql.raw('select 1; select 2'));
    await one.db.execute(sql.raw('select 1; select 2'));
    expect((await prepared()).length).toBe(before);
  });

  it('a statement PostgreSQL refuses fails each time with its own error, and the connection goes on', async () => {
    const bad = () => one.db.execute(sql`select ${'not a number'}::int as n`);
    for (let i = 0; i < 3; i += 1) await expect(bad()).rejects.toThrow();
    const bad2 = () => one.db.execute(sql`select nonexistent_column from org_units where id = ${'p.unit'}`);
    for (let i = 0; i < 3; i += 1) await expect(bad2()).rejects.toThrow(/nonexistent_column/);
    expect((await one.db.execute<{ n: number }>(sql`select ${2}::int + 1 as n`)).rows).toEqual([{ n: 3 }]);
  });

  it('a transaction uses them too, and rolls back as before', async () => {
    const rename = (name: string) =>
      one.db.transaction(async (tx) => {
        await tx.update(orgUnits).set({ name }).where(eq(orgUnits.id, 'p.unit'));
        tx.rollback();
      });
    for (let i = 0; i < 3; i += 1) await expect(rename(`改名${i}`)).rejects.toThrow();
    const [row] = await one.db.select({ name: orgUnits.name }).from(orgUnits).where(eq(orgUnits.id, 'p.unit'));
    expect(row!.name).toBe('预备单位');
    expect((await prepared()).some((p) => p.statement.startsWith('update "org_units"'))).toBe(true);
  });
});

describe('plans', () => {
  const mode = async (db: Database) =>
    (await db.db.execute<{ plan_cache_mode: string }>(sql.raw('show plan_cache_mode'))).rows[0]!.plan_cache_mode;

  it('an API pool plans every run for its values; a worker pool may keep generic plans', async () => {
    const worker = openDatabase(tdb.url, { max: 1, genericPlans: true });
    try {
      expect(await mode(one)).toBe('force_custom_plan');
      expect(await mode(worker)).toBe('auto');
    } finally {
      await worker.close();
    }
  });
  it('keeps the options the database URL carries itself beside the plan mode', async () => {
    const withTimeout = openDatabase(`${tdb.url}?options=${encodeURIComponent('-c statement_timeout=12345')}`, {
      max: 1,
    });
    try {
      expect(await mode(withTimeout)).toBe('force_custom_plan');
      const { rows } = await withTimeout.db.execute<{ statement_timeout: string }>(sql.raw('show statement_timeout'));
      expect(rows[0]!.statement_timeout).toBe('12345ms');
    } finally {
      await withTimeout.close();
    }
  });
});

describe('withOptions', () => {
  it('adds the option to the URL beside its own; a socket URL the URL parser refuses gets it in the config', () => {
    const tcp = withOptions('postgres://u:p%40ss@127.0.0.1:5432/db?options=-c%20search_path%3Dx', '-c a=b');
    expect(new URL(tcp.connectionString).searchParams.get('options')).toBe('-c search_path=x -c a=b');
    expect(tcp.options).toBeUndefined();
    expect(new URL(tcp.connectionString).password).toBe('p%40ss');
    const socket = 'postgresql://user@/db?host=/run/postgresql';
    expect(withOptions(socket, '-c a=b')).toEqual({ connectionString: socket, options: '-c a=b' });
  });
});

describe('StatementNames', () => {
  it('names a text on its second sighting, the same name every time, a different one per text', () => {
    const names = new StatementNames();
    expect(names.nameOf('select $1')).toBeUndefined();
    const a = names.nameOf('select $1');
    expect(a).toBeDefined();
    expect(names.nameOf('select $1')).toBe(a);
    names.nameOf('select $1::int');
    expect(names.nameOf('select $1::int')).not.toBe(a);
  });

  it(`names at most ${MAX_PREPARED_STATEMENTS} texts; past that, new texts run unnamed and named ones keep their name`, () => {
    const names = new StatementNames();
    for (let i = 0; i < MAX_PREPARED_STATEMENTS + 10; i += 1) {
      names.nameOf(`select $1 + ${i}`);
      names.nameOf(`select $1 + ${i}`);
    }
    expect(names.size).toBe(MAX_PREPARED_STATEMENTS);
    expect(names.nameOf(`select $1 + ${MAX_PREPARED_STATEMENTS + 5}`)).toBeUndefined();
    expect(names.nameOf('select $1 + 0')).toBeDefined();
  });
});
