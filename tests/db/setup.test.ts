import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { count, eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadPrincipal } from '../../api/auth';
import { openDatabase, type Database } from '../../db';
import { auditLog, calendarYears, orgUnits, users } from '../../db/schema';
import { SetupError, setupInstallation } from '../../db/setup';
import { ensureDatabase } from '../../runtime/embedded-postgres';

// `npm run setup` on really empty databases (no template: the migrations run here), through the
// function and through the command itself.

const adminUrl = () => inject('pgAdminUrl');
const created: string[] = [];

async function emptyDatabase(): Promise<{ url: string; database: Database }> {
  const name = `setup_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await ensureDatabase(adminUrl(), name);
  created.push(name);
  const url = adminUrl().replace(/\/postgres$/, `/${name}`);
  return { url, database: openDatabase(url, { max: 2 }) };
}

const open: Database[] = [];
afterAll(async () => {
  await Promise.all(open.map((d) => d.close()));
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  for (const name of created)
    await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  await client.end();
});

describe('first run (setupInstallation)', () => {
  let database: Database;
  beforeAll(async () => {
    database = (await emptyDatabase()).database;
    open.push(database);
  });

  it('refuses an empty database without a county to put the admin in, and writes nothing', async () => {
    await expect(setupInstallation(database.db, { admin: { username: 'it.admin' } })).rejects.toThrow(SetupError);
    expect((await database.db.select({ n: count() }).from(users))[0]?.n).toBe(0);
    expect((await database.db.select({ n: count() }).from(calendarYears))[0]?.n).toBe(0);
  });

  it('migrates, loads the national calendar, creates the county and the first admin — and a second run changes nothing', async () => {
    const first = await setupInstallation(database.db, {
      admin: { username: 'it.admin', displayName: '信息中心管理员' },
      county: { id: 'qx', name: '某某县' },
    });
    expect(first.admin).toEqual({ id: 'u.it.admin', username: 'it.admin', created: true });
    expect(first.county).toEqual({ id: 'qx', created: true });
    expect(first.calendarYears).toBeGreaterThan(10);
    const principal = await loadPrincipal(database.db, 'it.admin', 'username');
    expect(principal).toMatchObject({
      role: 'admin',
      unitId: 'qx',
      displayName: '信息中心管理员',
      unitIsSoleRoot: true,
    });
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.streamId, 'admin:org'));
    expect(audit.map((a) => a.action)).toEqual(['org.unit.create', 'org.user.create']);

    const snapshot = async () => ({
      users: await database.db.select().from(users),
      units: await database.db.select().from(orgUnits),
      years: (await database.db.select({ n: count() }).from(calendarYears))[0]?.n,
      audit: (await database.db.select({ n: count() }).from(auditLog))[0]?.n,
    });
    const before = await snapshot();
    const again = await setupInstallation(database.db, {
      admin: { username: 'it.admin' },
      county: { id: 'qx', name: '某某县' },
    });
    expect(again).toMatchObject({
      calendarDays: 0,
      calendarYears: 0,
      county: { created: false },
      admin: { created: false },
    });
    expect(await snapshot()).toEqual(before);
  });

  it('does not make a second administrator', async () => {
    await expect(setupInstallation(database.db, { admin: { username: 'someone.else' } })).rejects.toThrow(/已有管理员/);
  });
});

describe('npm run setup (the command)', () => {
  it('runs against DATABASE_URL under the production configuration, twice', async () => {
    const { url, database } = await emptyDatabase();
    open.push(database);
    const env = {
      PATH: process.env.PATH,
      APP_ENV: 'production',
      DATABASE_URL: url,
      TEMPORAL_ADDRESS: 'temporal:7233',
      AUTH_ISSUER: 'https://idp.example/realms/county',
      AUTH_CLIENT_ID: 'township-console',
      AUDIT_HMAC_KEY: 'k'.repeat(40),
      TEMPORAL_CODEC_KEYS: `k1:${'ab'.repeat(32)}`,
    };
    const run = () =>
      promisify(execFile)(
        'node_modules/.bin/tsx',
        [
          'scripts/setup.ts',
          '--admin',
          'it.admin',
          '--admin-id',
          'f3b2c1d0-4a5b',
          '--county',
          'qx',
          '--county-name',
          '某某县',
        ],
        { env, timeout: 120_000 },
      );
    const first = await run();
    expect(first.stdout).toContain('管理员 it.admin（编号 f3b2c1d0-4a5b）：已创建');
    const second = await run();
    expect(second.stdout).toContain('已存在，未改动');
    expect(await loadPrincipal(database.db, 'f3b2c1d0-4a5b')).toMatchObject({ username: 'it.admin', role: 'admin' });
    // The setup's own audit entries are signed with the configured key, like every admin change.
    const entries = await database.db
      .select({ mac: auditLog.mac })
      .from(auditLog)
      .where(eq(auditLog.streamId, 'admin:org'));
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((e) => typeof e.mac === 'string' && e.mac.length > 0)).toBe(true);
  }, 180_000);
});
