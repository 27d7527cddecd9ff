import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Express } from 'express';
import pino from 'pino';
import { Registry } from 'prom-client';
import request from 'supertest';
import { loadConfig, type Config } from '../../config';
import { createApp } from '../../api/app';
import { createAuthenticator } from '../../api/auth';
import type { AppDeps } from '../../api/deps';
import { seedDemoCounty } from '../../db/seed/seed';
import { loadAuditKey } from '../../runtime/audit-key';
import { createTestDatabase, type TestDatabase } from './db';

export interface TestApp {
  app: Express;
  deps: AppDeps;
  tdb: TestDatabase;
  config: Config;
  /** A bearer token for a seeded user (through the real dev-login endpoint). */
  tokenFor(username: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real Express app on a fresh, seeded PostgreSQL database. Pass the client of a real Temporal
 * test environment for routes that start or update workflows; without one, a lazy client that
 * never connects is used (fine for routes that only read and write PostgreSQL).
 */
export async function createTestApp(
  opts: { temporal?: Client; env?: Record<string, string>; seed?: boolean } = {},
): Promise<TestApp> {
  const tdb = await createTestDatabase();
  if (opts.seed !== false) await seedDemoCounty(tdb.db);
  // Tests sign in through dev login (tokenFor), which is off outside `npm start` unless DEV_LOGIN=on.
  // Attachments and any other files the app keeps go to a fresh directory, never the working tree's .data.
  const env: Record<string, string> = {
    APP_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: tdb.url,
    AUDIT_HMAC_KEY: randomBytes(32).toString('hex'),
    TEMPORAL_CODEC_KEYS: `test:${randomBytes(32).toString('hex')}`,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'township-test-')),
    ...opts.env,
  };
  if (env.APP_ENV !== 'production') env.DEV_LOGIN ??= 'on';
  const config = loadConfig(env);
  const temporal = opts.temporal ?? new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  const deps: AppDeps = {
    config,
    database: tdb,
    temporal,
    auth: await createAuthenticator(config, { persistKey: false }),
    logger: pino({ level: 'silent' }),
    metrics: new Registry(),
    auditKey: loadAuditKey(config.audit),
  };
  const app = createApp(deps);
  const tokens = new Map<string, string>();
  return {
    app,
    deps,
    tdb,
    config,
    async tokenFor(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await request(app).post('/api/v1/auth/dev-login').send({ username });
      if (res.status !== 200) throw new Error(`dev-login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.set(username, res.body.token);
      return res.body.token as string;
    },
    close: () => tdb.drop(),
  };
}
