import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../db';
import { ensureDatabase } from '../../runtime/embedded-postgres';

export interface TestDatabase extends Database {
  url: string;
  drop(): Promise<void>;
}

/** A fresh database cloned from the migrated template: real PostgreSQL, isolated per test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  await ensureDatabase(adminUrl, name, inject('pgTemplateDb'));
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  const database = openDatabase(url, { max: 5 });
  return {
    ...database,
    url,
    async drop() {
      await database.close();
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
