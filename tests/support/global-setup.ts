import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openDatabase, runMigrations } from '../../db';
import { startEmbeddedPostgres } from '../../runtime/embedded-postgres';
import { freePort } from '../../runtime/free-port';

export const TEMPLATE_DB = 'township_template';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplateDb: string;
  }
}

/**
 * One real PostgreSQL for the whole run (embedded-postgres, unless TEST_DATABASE_ADMIN_URL points
 * at a server), with a template database that has every migration applied; each test file clones
 * it (tests/support/db.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'township-pg-'));
  // As root, PostgreSQL runs as a separate OS user that must be able to enter the folder.
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres({
    dir: path.join(dir, 'data'),
    port: await freePort(),
    database: TEMPLATE_DB,
  });
  const template = openDatabase(pg.url, { max: 2 });
  try {
    await runMigrations(template.db);
  } finally {
    await template.close();
  }
  project.provide('pgAdminUrl', pg.adminUrl);
  project.provide('pgTemplateDb', TEMPLATE_DB);
  return async () => {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
