// `npm run setup -- --admin <username> [--admin-id <id>] [--admin-name <name>] [--county <id> --county-name <name>]`:
// the first run on an empty production database (DATABASE_URL; without it, the embedded PostgreSQL
// in DATA_DIR) — migrations, the national calendar, the county root and the first administrator.
// Safe to run again: it changes nothing that exists.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { loadAuditKey } from '../runtime/audit-key';
import { openDatabase } from '../db';
import { SetupError, setupInstallation } from '../db/setup';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from '../runtime/embedded-postgres';

const USAGE = `用法 / usage: npm run setup -- --admin <用户名> [--admin-id <编号>] [--admin-name <姓名>] [--county <县编码> --county-name <县名称>]`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      admin: { type: 'string' },
      'admin-id': { type: 'string' },
      'admin-name': { type: 'string' },
      county: { type: 'string' },
      'county-name': { type: 'string' },
    },
    strict: true,
  });
  if (!values.admin || (values.county && !values['county-name']))
    throw new SetupError(USAGE, '--admin is required; --county needs --county-name');
  const config = loadConfig();
  let pg: EmbeddedPostgresHandle | undefined;
  let url = config.db.url;
  if (!url) {
    pg = await startEmbeddedPostgres({
      dir: config.db.embeddedDir,
      port: config.db.embeddedPort,
      database: 'township',
    });
    url = pg.url;
  }
  const database = openDatabase(url, { max: 2 });
  try {
    const report = await setupInstallation(database.db, {
      admin: { username: values.admin, id: values['admin-id'], displayName: values['admin-name'] },
      county: values.county ? { id: values.county, name: values['county-name']! } : undefined,
      auditKey: loadAuditKey(config.audit),
    });
    console.log(`[setup] 数据库迁移完成 / migrations applied`);
    console.log(
      `[setup] 国家法定节假日日历：新增 ${report.calendarYears} 个年度、${report.calendarDays} 天 / national calendar: ${report.calendarYears} years, ${report.calendarDays} days added`,
    );
    console.log(
      `[setup] 县级单位 ${report.county.id}：${report.county.created ? '已创建 / created' : '已存在 / already there'}`,
    );
    console.log(
      `[setup] 管理员 ${report.admin.username}（编号 ${report.admin.id}）：${report.admin.created ? '已创建 / created' : '已存在，未改动 / already there, unchanged'}`,
    );
  } finally {
    await database.close();
    await pg?.stop();
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError || err instanceof SetupError ? err.message : err);
  process.exit(1);
});
