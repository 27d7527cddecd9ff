// `node_modules/.bin/tsx scripts/migrate.ts`: apply the migrations and load the national holiday
// calendar, then exit — docker-compose.yml's one-shot `migrate` job. It holds the same PostgreSQL
// advisory lock as every worker's own start (db/index.ts), so they never migrate at once.
import { ConfigError, loadConfig } from '../config';
import { openDatabase, runMigrations } from '../db';
import { seedNationalCalendar } from '../db/seed/seed';

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.db.url) throw new ConfigError(['DATABASE_URL is required (迁移需要配置数据库地址)']);
  const database = openDatabase(config.db.url, { max: 2 });
  try {
    await runMigrations(database.db);
    await seedNationalCalendar(database.db);
  } finally {
    await database.close();
  }
  console.log('数据库已迁移 / migrated');
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
