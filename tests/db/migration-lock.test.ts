import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MIGRATIONS_DIR, openDatabase, runMigrations, type Database } from '../../db';
import { ensureDatabase } from '../../runtime/embedded-postgres';

// The one-shot migration job and every worker's own start migrate the same database, possibly at
// the same moment (docker-compose.yml, `--scale worker=2`): they take turns under an advisory lock.

const adminUrl = () => inject('pgAdminUrl');
const created: string[] = [];
const open: Database[] = [];

afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  for (const name of created)
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  await client.end();
});

describe('migrations under an advisory lock', () => {
  it('two processes migrating an empty database at once both succeed, and each migration is applied once', async () => {
    const name = `migrate_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await ensureDatabase(adminUrl(), name);
    created.push(name);
    const url = adminUrl().replace(/\/postgres$/, `/${name}`);
    // Separate pools, as two processes would have; one of them with a single connection.
    const a = openDatabase(url, { max: 1 });
    const b = openDatabase(url, { max: 3 });
    const c = openDatabase(url, { max: 2 });
    open.push(a, b, c);

    const results = await Promise.allSettled([runMigrations(a.db), runMigrations(b.db), runMigrations(c.db)]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok', 'ok']);

    const files = readdirSync(MIGRATIONS_DIR).filter((f) => f.endsWith('.sql'));
    const applied = await a.pool.query<{ n: string; distinct_hashes: string }>(
      'select count(*) as n, count(distinct hash) as distinct_hashes from drizzle.__drizzle_migrations',
    );
    expect(Number(applied.rows[0]!.n)).toBe(files.length);
    expect(Number(applied.rows[0]!.distinct_hashes)).toBe(files.length);
    // The lock is released: another run gets it at once and has nothing to do.
    await runMigrations(b.db);
    const locks = await a.pool.query("select count(*)::int as n from pg_locks where locktype = 'advisory'");
    expect(locks.rows[0]).toEqual({ n: 0 });
  });
});
