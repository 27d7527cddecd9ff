import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devServerSqliteArgs, loadConfig } from '../../config';
import { createDevEnvironment } from '../support/temporal';

/*
 * The embedded Temporal dev server keeps its SQLite database in write-ahead-log mode
 * (TEMPORAL_DEV_SQLITE_PRAGMAS, default `journal_mode=wal`): the same durability as a rollback
 * journal with fewer fsyncs and no journal file created and deleted per commit — about a quarter
 * less server CPU per action in `bench:throughput`. `npm start` and the benches pass the pragmas
 * the same way (`devServerSqliteArgs`).
 */
const dir = mkdtempSync(path.join(os.tmpdir(), 'dev-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Start a dev server on a fresh file with `pragmas` and say which files it keeps while it runs. */
async function journalFiles(name: string, pragmas: string[]) {
  const dbFilename = path.join(dir, `${name}.sqlite`);
  const env = await createDevEnvironment({ dbFilename, extraArgs: devServerSqliteArgs(pragmas) });
  try {
    // The dev server wrote its namespace on start; the log file exists while it runs.
    await env.connection.workflowService.getSystemInfo({});
    return { wal: existsSync(`${dbFilename}-wal`), db: existsSync(dbFilename) };
  } finally {
    await env.teardown();
  }
}

describe('the embedded dev server’s SQLite', () => {
  it('runs in WAL mode by default, as npm start starts it', async () => {
    const { temporal } = loadConfig({}, { embedded: true });
    expect(temporal.devSqlitePragmas).toEqual(['journal_mode=wal']);
    expect(await journalFiles('default', temporal.devSqlitePragmas)).toEqual({ wal: true, db: true });
  });

  it('follows TEMPORAL_DEV_SQLITE_PRAGMAS (a rollback journal leaves no -wal file)', async () => {
    const { temporal } = loadConfig({ TEMPORAL_DEV_SQLITE_PRAGMAS: 'journal_mode=delete' }, { embedded: true });
    expect(await journalFiles('delete', temporal.devSqlitePragmas)).toEqual({ wal: false, db: true });
  });
});
