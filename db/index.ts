import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import path from 'node:path';
import pg from 'pg';
import { prepareRepeatedStatements, StatementNames } from './prepared';
import * as schema from './schema';

export type Db = NodePgDatabase<typeof schema>;
/** A transaction of {@link Db}. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, 'migrations');

/**
 * One pool per process, created at boot and passed in (convention 9).
 *
 * Repeated parameterised statements run as named prepared statements (db/prepared.ts), parsed and
 * analysed once per connection. Whether PostgreSQL may then keep one generic plan for a statement is
 * `genericPlans`: a worker's statements are writes and lookups by key, whose plan does not depend
 * on the values, and re-planning the projection's dozen CTEs on every write was a good part of its
 * cost; the API's lists and board have plans that do (a generic plan made the overdue list at 1M
 * cases p50 11 → 73 ms), so by default every run is planned for its values (`force_custom_plan`).
 * `npm start` runs both in one process on one pool (convention 9), with the default.
 */
export function openDatabase(url: string, opts: { max?: number; genericPlans?: boolean } = {}): Database {
  // A startup parameter rather than a SET after connecting: nothing to wait for before the first statement.
  const connection = opts.genericPlans
    ? { connectionString: url }
    : withOptions(url, '-c plan_cache_mode=force_custom_plan');
  const pool = new pg.Pool({ ...connection, max: opts.max ?? 10 });
  // A dropped connection (e.g. PostgreSQL restarting) must not crash the process: an idle one is
  // reported on the pool; one checked out between two statements of a transaction on the client
  // itself, where an unheard 'error' event used to kill the worker (postgres-stop fault test). The
  // statement that needs it fails instead, and its activity or request is retried.
  pool.on('error', () => {});
  const statements = new StatementNames();
  pool.on('connect', (client) => {
    client.on('error', () => {});
    prepareRepeatedStatements(client, statements);
  });
  return { db: drizzle(pool, { schema }), pool, close: () => pool.end() };
}

/**
 * The pool's connection settings with `extra` added to the connection's `options` (the startup
 * parameter). node-postgres lets a URL's own settings win over its config, so they go in the URL,
 * beside the URL's own `options`; a URL the WHATWG parser refuses (a Unix socket written
 * `postgresql://user@/db?host=/run/postgresql`) gets them in the config instead.
 */
export function withOptions(url: string, extra: string): { connectionString: string; options?: string } {
  try {
    const parsed = new URL(url);
    parsed.searchParams.set('options', [parsed.searchParams.get('options'), extra].filter(Boolean).join(' '));
    return { connectionString: parsed.toString() };
  } catch {
    return { connectionString: url, options: extra };
  }
}

/**
 * The PostgreSQL advisory lock every migration run holds (a fixed number, the same in every
 * process): the one-shot migration job of docker-compose.yml and each worker's own start may run at
 * once (`--scale worker=2`), and drizzle's migrator is not safe to run concurrently.
 */
export const MIGRATION_LOCK_KEY = 0x746f776e; // 'town'

/**
 * Apply the committed migrations in db/migrations, one process at a time: on one connection that
 * holds {@link MIGRATION_LOCK_KEY} for the whole run; a second caller waits, then finds nothing to do.
 */
export async function runMigrations(db: Db): Promise<void> {
  const owner = (db as Db & { $client: pg.Pool | pg.Client }).$client;
  const conn = owner instanceof pg.Pool ? await owner.connect() : owner;
  let broken: Error | undefined;
  try {
    await conn.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(conn, { schema }), { migrationsFolder: MIGRATIONS_DIR });
    } finally {
      await conn.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch((err: unknown) => {
        broken = err as Error;
      });
    }
  } finally {
    // A connection whose unlock failed may still hold the lock: destroy it rather than pool it.
    if (conn !== owner) (conn as pg.PoolClient).release(broken);
  }
}
