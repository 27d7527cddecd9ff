import { count, eq, isNull } from 'drizzle-orm';
import type { AuditKey } from '../domain/audit-chain';
import { appendAudit, lockStream } from './audit';
import { runMigrations, type Db } from './index';
import { orgUnits, users } from './schema/org';
import { seedNationalCalendar } from './seed/seed';

/** What `npm run setup` needs to create the first administrator on an empty database. */
export interface SetupOptions {
  admin: { username: string; id?: string; displayName?: string };
  /** The county (the org tree's root); required while the database has none. Use the id your org spreadsheet gives it. */
  county?: { id: string; name: string };
  /** Signs the setup's audit entries (runtime/audit-key.ts), like every other admin change. */
  auditKey?: AuditKey;
}

export interface SetupReport {
  calendarDays: number;
  calendarYears: number;
  county: { id: string; created: boolean };
  admin: { id: string; username: string; created: boolean };
}

/** The audit stream of org changes (api/routes/org/ writes it too). */
const ORG_STREAM = 'admin:org';
const SETUP_ACTOR = 'system:setup';

export class SetupError extends Error {
  constructor(zh: string, en: string) {
    super(`${zh}\n${en}`);
    this.name = 'SetupError';
  }
}

/**
 * First run on a production database: apply the migrations, load the national holiday calendar
 * (rows already there are kept), create the county root if there is none, and create the first
 * administrator in it. Idempotent: run again, it changes nothing and says so; an existing user
 * with the admin's username is left as it is (it is not promoted), an existing county is not renamed.
 */
export async function setupInstallation(db: Db, opts: SetupOptions): Promise<SetupReport> {
  await runMigrations(db);
  // One transaction: a refusal below leaves the (migrated) database as it was.
  return db.transaction(async (tx) => {
    await lockStream(tx, ORG_STREAM);
    const at = new Date();
    const audit = (action: string, after: unknown, unitId: string) =>
      appendAudit(
        tx,
        {
          streamId: ORG_STREAM,
          actorId: SETUP_ACTOR,
          actorUnitId: unitId,
          actorRole: 'admin',
          action,
          reason: 'npm run setup',
          before: null,
          after,
          at,
        },
        opts.auditKey,
      );

    const roots = await tx.select().from(orgUnits).where(isNull(orgUnits.parentId));
    let county = opts.county ? roots.find((r) => r.id === opts.county!.id) : roots[0];
    let countyCreated = false;
    if (!county) {
      if (roots.length > 0) {
        throw new SetupError(
          `数据库中已有县级根单位 ${roots.map((r) => r.id).join('、')}，与 --county ${opts.county?.id} 不符`,
          `The database already has the county ${roots.map((r) => r.id).join(', ')}, not --county ${opts.county?.id}`,
        );
      }
      if (!opts.county)
        throw new SetupError(
          '数据库中还没有县级单位：请用 --county <编码> --county-name <名称> 指定',
          'The database has no county yet: give --county <id> --county-name <name>',
        );
      [county] = await tx
        .insert(orgUnits)
        .values({ id: opts.county.id, kind: 'county', name: opts.county.name, path: opts.county.id, level: 1 })
        .returning();
      countyCreated = true;
      await audit('org.unit.create', county, opts.county.id);
    }
    if (!county) throw new Error('county not created');
    const calendar = await seedNationalCalendar(tx);

    const [existing] = await tx.select().from(users).where(eq(users.username, opts.admin.username));
    if (existing) {
      return {
        ...calendar,
        county: { id: county.id, created: countyCreated },
        admin: { id: existing.id, username: existing.username, created: false },
      };
    }
    const [admins] = await tx.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
    if ((admins?.n ?? 0) > 0) {
      throw new SetupError(
        '系统已有管理员；其他管理员请由现有管理员在控制台或 API 中添加',
        'The system already has an administrator; further administrators are added by an existing one (console or API)',
      );
    }
    const id = opts.admin.id ?? `u.${opts.admin.username}`;
    const [admin] = await tx
      .insert(users)
      .values({
        id,
        username: opts.admin.username,
        displayName: opts.admin.displayName ?? '系统管理员',
        role: 'admin',
        unitId: county.id,
      })
      .returning();
    await audit('org.user.create', admin, county.id);
    return {
      ...calendar,
      county: { id: county.id, created: countyCreated },
      admin: { id, username: opts.admin.username, created: true },
    };
  });
}
